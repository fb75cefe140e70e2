// Command resizer is the image pipeline's Lambda entry point (runtime
// provided.al2023). See package resizer for what it does.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hybridstack/hybridstack/stacks/imagepipeline/resizer"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := resizer.ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Error("invalid configuration", "error", err.Error())
		os.Exit(1)
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("loading AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	h := &resizer.Handler{S3: s3.NewFromConfig(awsCfg), Config: cfg, Log: log}
	lambda.Start(h.Handle)
}
