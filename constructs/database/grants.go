package database

import (
	"regexp"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// dbUserRe is a PostgreSQL user name as IAM authentication uses it: an
// unquoted identifier of at most 63 characters.
var dbUserRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]{0,62}$`)

// GrantSecretRead lets g read the master user secret
// (secretsmanager:GetSecretValue and DescribeSecret on SecretARN) and
// decrypt it with the instance's key, through Secrets Manager in the
// stack's Region only, as one inline policy on g's role named
// "db-secret-<construct id>". The master user can do anything in the
// database: prefer a user of the application's own with GrantConnect. The
// grantee still needs a network path:
// g.Connections().AllowTo(db, database.PostgresPort, why).
//
// It returns an error wrapping validate.ErrInvalid when g is nil, and the
// error of g.AddToRolePolicy.
func (p *Postgres) GrantSecretRead(g grant.Grantee) error {
	if g == nil {
		r := validation.NewReport("database", *p.Node().Path())
		r.Addf("GrantSecretRead.Grantee", "is nil; give the handler, task or role that reads the master user secret")
		return r.Err()
	}
	key := iamdoc.Allow("DecryptSecret", []string{"kms:Decrypt"}, p.kmsKeyARN)
	key.Condition = map[string]map[string]any{"StringEquals": {"kms:ViaService": "secretsmanager." + p.env.Region + ".amazonaws.com"}}
	return g.AddToRolePolicy("db-secret-"+names.ID(*p.Node().Id()),
		iamdoc.Allow("ReadSecret", []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}, p.SecretARN()),
		key)
}

// GrantConnect lets g log in to the instance as the database user dbUser
// with an IAM authentication token (rds-db:connect on
// arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<dbUser>),
// as one inline policy on g's role named "db-connect-<construct id>". The
// user must exist in the database with the rds_iam role
// (CREATE USER <dbUser>; GRANT rds_iam TO <dbUser>;), and gets only the
// privileges granted to it there. The grantee still needs a network path:
// g.Connections().AllowTo(db, database.PostgresPort, why).
//
// It returns every problem at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid, when g is nil or dbUser is not a
// PostgreSQL user name (1-63 letters, digits, '_' and '$', not starting
// with a digit or '$'), is a wildcard, is reserved (pg_*, rds*), or is the
// master user (whose password login granting rds_iam would end).
func (p *Postgres) GrantConnect(g grant.Grantee, dbUser string) error {
	r := validation.NewReport("database", *p.Node().Path())
	if g == nil {
		r.Addf("GrantConnect.Grantee", "is nil; give the handler, task or role that connects")
	}
	lower := strings.ToLower(dbUser)
	switch {
	case validation.IsToken(dbUser):
	case dbUser == "":
		r.Addf("GrantConnect.DBUser", "is empty; name the database user the grantee logs in as")
	case strings.ContainsAny(dbUser, "*?"):
		r.Addf("GrantConnect.DBUser", "%q is a wildcard; name one database user, so the grantee cannot log in as any other (the master user included)", dbUser)
	case !dbUserRe.MatchString(dbUser):
		r.Addf("GrantConnect.DBUser", "%q is not a PostgreSQL user name (1-63 letters, digits, '_' and '$', not starting with a digit or '$')", dbUser)
	case !validation.IsToken(p.masterUsername) && lower == strings.ToLower(p.masterUsername):
		r.Addf("GrantConnect.DBUser", "%q is the master user; create a user for the application (granting the master user rds_iam would end its password login)", dbUser)
	case strings.HasPrefix(lower, "pg_") || strings.HasPrefix(lower, "rds"):
		r.Addf("GrantConnect.DBUser", "%q is reserved by PostgreSQL (pg_*) or RDS (rds*)", dbUser)
	}
	if err := r.Err(); err != nil {
		return err
	}
	return g.AddToRolePolicy("db-connect-"+names.ID(*p.Node().Id()),
		iamdoc.Allow("Connect", []string{"rds-db:connect"}, p.DBUserARN(dbUser)))
}

// DBUserARN returns the ARN IAM authentication names the database user
// dbUser of this instance by, the resource of rds-db:connect:
// arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<dbUser>.
func (p *Postgres) DBUserARN(dbUser string) string {
	return "arn:" + p.env.Partition + ":rds-db:" + p.env.Region + ":" + p.env.Account + ":dbuser:" + p.ResourceID() + "/" + dbUser
}
