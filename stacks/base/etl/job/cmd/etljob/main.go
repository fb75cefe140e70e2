// Command etljob is the hourly price ETL's container entry point: it reads
// its configuration from the environment (see package job), processes one
// window (loading it into PostgreSQL too when the DATABASE_... variables
// are set), logs JSON to stdout and exits 0 on success, 1 when the run
// failed and 2 when the configuration is invalid. SIGTERM (ECS stopping the
// task) cancels the run; the window is then redone by the next run.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hybridstack/hybridstack/stacks/base/etl/job"
)

func main() {
	os.Exit(run())
}

func run() int {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := job.ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Error("invalid configuration", "error", err.Error())
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Error("loading the AWS configuration", "error", err.Error())
		return 1
	}
	if cfg.Database != nil {
		// DATABASE_HOST and the others are set: each window is also
		// loaded into PostgreSQL, over TLS verified against the RDS CA
		// bundle (job.TLSVerifyFull); with DATABASE_IAM_AUTH=true the
		// password of each connection is an IAM authentication token
		// signed with the task role's credentials.
		db := *cfg.Database
		db.Log = log
		if db.IAMAuth {
			db.AuthToken = job.RDSIAMAuthToken(db.Host, db.Port, awsCfg.Region, db.User, awsCfg.Credentials)
		}
		loader, err := job.NewPostgresLoader(db)
		if err != nil {
			log.Error("invalid configuration", "error", err.Error())
			return 2
		}
		cfg.Loader = loader
	}
	cfg.S3 = s3.NewFromConfig(awsCfg)
	cfg.Log = log
	res, err := job.Run(ctx, cfg)
	if err != nil {
		log.Error("run failed", "window", res.Window.String(), "error", err.Error(),
			"api_key_rejected", errors.Is(err, job.ErrAPIKeyRejected),
			"reject_ratio_exceeded", errors.Is(err, job.ErrRejectRatio),
			"too_many_records", errors.Is(err, job.ErrTooManyRecords))
		return 1
	}
	log.Info("run succeeded", "window", res.Window.String(), "already_complete", res.AlreadyComplete,
		"records", res.Records, "rejects", res.Rejects, "loaded", res.Loaded)
	return 0
}
