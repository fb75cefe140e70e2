package storage

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsaccesspoint"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsbackuppolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsfilesystem"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsfilesystempolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsmounttarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/cmk"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// NFSPort is the TCP port EFS mount targets serve NFS on. Clients open it
// with client.Connections().AllowTo(fileSystem, storage.NFSPort, why).
const NFSPort = 2049

// The throughput modes FileSystemProps.ThroughputMode accepts.
const (
	// ThroughputElastic scales throughput with the workload and bills per
	// byte transferred. This is the default.
	ThroughputElastic = "elastic"
	// ThroughputBursting earns throughput credits with the amount stored:
	// cheaper for small, mostly idle file systems, slow for bursts on a
	// small one.
	ThroughputBursting = "bursting"
)

// transitionToIADays are the ages (days since last access) after which EFS
// can move files to Infrequent Access.
var transitionToIADays = []int{1, 7, 14, 30, 60, 90, 180, 270, 365}

// FileSystemProps configures a FileSystem.
type FileSystemProps struct {
	// Name is the file system's Name tag, and the base of its creation
	// token and security group name: 1-64 letters, digits, '.', '_' and
	// '-', starting with a letter or digit. Required.
	Name string
	// VPC is the network the file system serves: it gets one mount target
	// in each private subnet (EFS allows one per Availability Zone, so an
	// imported VPC must list one private subnet per zone). Required.
	VPC *network.VPC
	// KMSKeyARN encrypts the file system with an existing customer managed
	// key (its full ARN).
	// Default: - a new customer managed KMS key with rotation, protected from destroy like the file system
	KMSKeyARN string
	// ThroughputMode is ThroughputElastic or ThroughputBursting.
	// Default: ThroughputElastic
	ThroughputMode string
	// TransitionToIADays moves files not read for this many days to the
	// Infrequent Access class; a file read there moves back on first
	// access. EFS accepts 1, 7, 14, 30, 60, 90, 180, 270 or 365.
	// Default: 30
	TransitionToIADays int
	// DisableBackups turns AWS Backup's automatic daily backups of the
	// file system off. Only for data that can be rebuilt.
	// Default: false
	DisableBackups bool
	// Disposable drops prevent_destroy from the file system and its key
	// (and shortens the key's deletion window to 7 days). Only for scratch
	// data: destroying the file system deletes every file.
	// Default: false
	Disposable bool
	// AlarmTopicARN is the SNS topic the file system's alarms notify when
	// they fire and when they recover: the I/O limit, and burst credits
	// with ThroughputBursting (see Signals). The alarms exist either way.
	// Default: - alarms without notification
	AlarmTopicARN string
	// Tags are added to every resource.
	// Default: - none
	Tags map[string]string
}

// FileSystem is an Amazon EFS file system: encrypted at rest with a
// customer managed key, TLS-only, reachable through one mount target per
// private subnet behind its own security group, which admits nothing until
// Connections opens a path.
type FileSystem struct {
	constructs.Construct
	fs            efsfilesystem.EfsFileSystem
	id, arn       string
	key           kmskey.KmsKey
	kmsKeyARN     string
	name          string
	securityGroup string
	connections   *network.Connections
	// Raised by watch (filesystem_signals.go).
	bursting bool
	alarms   []observe.Alarm
}

var fileSystemNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// NewFileSystem validates props and creates the file system with its key,
// lifecycle policy, backup policy, file system policy, security group and
// mount targets. The file system policy denies every request without TLS,
// denies root access, and lets clients mount and write only through a mount
// target (non-IAM NFS clients count as anonymous, and a policy without that
// statement would lock them out). It returns every problem with props at
// once, joined, each a *validate.FieldError wrapping validate.ErrInvalid
// (nothing is created then).
func NewFileSystem(scope constructs.Construct, id string, props FileSystemProps) (*FileSystem, error) {
	r := validation.ForConstruct("storage", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	switch {
	case props.Name == "":
		r.Addf("Name", "is empty; name the file system (it becomes the Name tag and the base of its creation token)")
	case validation.IsToken(props.Name):
	case !fileSystemNameRe.MatchString(props.Name):
		r.Addf("Name", "%q is not a file system name (1-64 letters, digits, '.', '_' and '-', starting with a letter or digit)", props.Name)
	}
	if props.VPC == nil {
		r.Addf("VPC", "is nil; give the network.VPC whose private subnets get the mount targets")
	} else if len(props.VPC.PrivateSubnetIDs()) == 0 {
		r.Addf("VPC", "has no private subnets; the mount targets go in private subnets")
	}
	if props.KMSKeyARN != "" && !validation.IsToken(props.KMSKeyARN) && !strings.HasPrefix(props.KMSKeyARN, "arn:") {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN; EFS needs the key's full ARN", props.KMSKeyARN)
	}
	throughput := props.ThroughputMode
	if throughput == "" {
		throughput = ThroughputElastic
	}
	if !validation.OneOf(throughput, ThroughputElastic, ThroughputBursting) {
		r.Addf("ThroughputMode", "%q is not a throughput mode; use %q or %q", props.ThroughputMode, ThroughputElastic, ThroughputBursting)
	}
	iaDays := props.TransitionToIADays
	if iaDays == 0 {
		iaDays = 30
	}
	if !slices.Contains(transitionToIADays, iaDays) {
		r.Addf("TransitionToIADays", "%d is not a transition EFS accepts; use one of %v", props.TransitionToIADays, transitionToIADays)
	}
	checkFileSystemAlarmTopic(r, props.AlarmTopicARN)
	for _, k := range ptr.SortedKeys(props.Tags) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			r.Addf("Tags", "key %q uses the reserved aws: prefix", k)
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}

	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	f := &FileSystem{name: props.Name}
	constructs.NewConstruct_Override(f, scope, &id)
	path := *f.Node().Path()
	tags := ptr.Map(ptr.Merge(props.Tags, map[string]string{"Name": props.Name}))

	f.kmsKeyARN = props.KMSKeyARN
	if f.kmsKeyARN == "" {
		f.kmsKeyARN = f.newKey(r, env, props)
	}
	iaAge := fmt.Sprintf("AFTER_%d_DAYS", iaDays)
	if iaDays == 1 {
		iaAge = "AFTER_1_DAY"
	}
	cfg := &efsfilesystem.EfsFileSystemConfig{
		CreationToken:   ptr.String(creationToken(props.Name, path)),
		Encrypted:       true,
		KmsKeyId:        ptr.String(f.kmsKeyARN),
		PerformanceMode: ptr.String("generalPurpose"),
		ThroughputMode:  ptr.String(throughput),
		// Each block sets one transition, as the EFS API requires.
		LifecyclePolicy: []*efsfilesystem.EfsFileSystemLifecyclePolicy{
			{TransitionToIa: ptr.String(iaAge)},
			{TransitionToPrimaryStorageClass: ptr.String("AFTER_1_ACCESS")},
		},
		Tags: tags,
	}
	if !props.Disposable {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}
	f.fs = efsfilesystem.NewEfsFileSystem(f, ptr.String("file-system"), cfg)
	f.id, f.arn = *f.fs.Id(), *f.fs.Arn()
	f.watch(props, throughput, creationToken(props.Name, path))

	status := "ENABLED"
	if props.DisableBackups {
		status = "DISABLED"
	}
	efsbackuppolicy.NewEfsBackupPolicy(f, ptr.String("backup-policy"), &efsbackuppolicy.EfsBackupPolicyConfig{
		FileSystemId: ptr.String(f.id),
		BackupPolicy: &efsbackuppolicy.EfsBackupPolicyBackupPolicy{Status: ptr.String(status)},
	})

	arn := f.arn
	anyone := map[string]any{"AWS": "*"}
	efsfilesystempolicy.NewEfsFileSystemPolicy(f, ptr.String("policy"), &efsfilesystempolicy.EfsFileSystemPolicyConfig{
		FileSystemId:                   ptr.String(f.id),
		BypassPolicyLockoutSafetyCheck: false,
		Policy: ptr.String(r.Doc(iamdoc.Document(
			iamdoc.Statement{
				Sid:       "DenyInsecureTransport",
				Effect:    "Deny",
				Principal: anyone,
				Actions:   []string{"*"},
				Resources: []string{arn},
				Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
			},
			// With a file system policy in place, EFS grants anonymous
			// clients (every NFS client that does not mount with IAM
			// authorization, the EFS CSI driver's default) only what the
			// policy allows: without this statement they could not mount.
			iamdoc.Statement{
				Sid:       "AllowMountThroughMountTargets",
				Effect:    "Allow",
				Principal: anyone,
				Actions:   []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
				Resources: []string{arn},
				Condition: map[string]map[string]any{"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
			},
			// Every mount goes through an access point, so nobody mounts
			// the root of the file system with every tenant's directory
			// under it.
			iamdoc.Statement{
				Sid:       "DenyMountWithoutAccessPoint",
				Effect:    "Deny",
				Principal: anyone,
				Actions:   []string{"elasticfilesystem:ClientMount"},
				Resources: []string{arn},
				Condition: map[string]map[string]any{"Null": {"elasticfilesystem:AccessPointArn": "true"}},
			},
			// Clients act as the POSIX user of their access point; nobody
			// acts as root on the file system.
			iamdoc.Statement{
				Sid:       "DenyRootAccess",
				Effect:    "Deny",
				Principal: anyone,
				Actions:   []string{"elasticfilesystem:ClientRootAccess"},
				Resources: []string{arn},
			},
		))),
	})

	vpc := props.VPC
	sg := securitygroup.NewSecurityGroup(f, ptr.String("security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(names.Prefix(sgName(props.Name, id), 40)),
		Description: ptr.String("EFS file system " + sgName(props.Name, id) + ": NFS in from the clients Connections admits, nothing out"),
		VpcId:       ptr.String(vpc.VPCID()),
		Tags:        tags,
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	f.securityGroup = *sg.Id()
	for i, subnet := range vpc.PrivateSubnetIDs() {
		efsmounttarget.NewEfsMountTarget(f, ptr.String(fmt.Sprintf("mount-target-%d", i)), &efsmounttarget.EfsMountTargetConfig{
			FileSystemId:   ptr.String(f.id),
			SubnetId:       ptr.String(subnet),
			SecurityGroups: ptr.Strings([]string{f.securityGroup}),
		})
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// newKey creates the file system's customer managed key (cmk.New),
// protected from destroy like the file system.
func (f *FileSystem) newKey(r *validation.Report, env awsenv.Env, props FileSystemProps) string {
	f.key = cmk.New(f, r, env, cmk.Props{
		Description: "Encrypts EFS file system " + *f.Node().Path(),
		Alias:       names.Truncate("alias/efs/"+aliasPath.ReplaceAllString(*f.Node().Path(), "-"), 256),
		Tags:        props.Tags,
		Disposable:  props.Disposable,
	})
	return *f.key.Arn()
}

// creationToken makes the file system's idempotency token, which EFS keeps
// unique per account and Region: the name and the construct path, so that
// two stacks using the same Name do not collide.
func creationToken(name, path string) string {
	if validation.IsToken(name) {
		return names.Fit(names.FromPath(path), 64)
	}
	return names.Fit(name+"-"+names.FromPath(path), 64)
}

// sgName is the readable name of the file system in its security group:
// the Name, or the construct id when the Name is a token.
func sgName(name, id string) string {
	if validation.IsToken(name) {
		return names.ID(id)
	}
	return name
}

// ID returns the file system's id (fs-...).
func (f *FileSystem) ID() string { return f.id }

// ARN returns the file system's ARN.
func (f *FileSystem) ARN() string { return f.arn }

// KMSKeyARN returns the key that encrypts the file system.
func (f *FileSystem) KMSKeyARN() string { return f.kmsKeyARN }

// SecurityGroupID returns the security group of the mount targets.
func (f *FileSystem) SecurityGroupID() string { return f.securityGroup }

// Connections returns the mount targets' security group as a
// network.Connectable: client.Connections().AllowTo(fs, storage.NFSPort,
// why) admits a client (an EKS cluster's pods and nodes, a Lambda handler)
// on the NFS port. The group admits nothing else.
func (f *FileSystem) Connections() *network.Connections {
	if f.connections == nil {
		f.connections = network.NewConnections(f, names.ID(*f.Node().Id()), f.securityGroup)
	}
	return f.connections
}

// Key returns the file system's own customer managed key, or nil when it
// uses a given KMSKeyARN, as an escape hatch.
func (f *FileSystem) Key() kmskey.KmsKey { return f.key }

// Resource returns the aws_efs_file_system resource as an escape hatch.
func (f *FileSystem) Resource() efsfilesystem.EfsFileSystem { return f.fs }

// AccessPointProps configures an AccessPoint.
type AccessPointProps struct {
	// FileSystem is the file system the access point opens. It may live in
	// another stack of the same app (the ids cross as cdktf cross-stack
	// references). Required.
	FileSystem *FileSystem
	// Path is the directory the access point exposes as its clients' root:
	// absolute, one to four levels ("/tenants/risk"), at most 100
	// characters, without "..", and not "/" itself (a tenant does not get
	// the whole file system). EFS creates it on first mount, owned by
	// UID:GID with Permissions. Required.
	Path string
	// UID is the POSIX user every client of the access point acts as,
	// whatever its own identity: 1-4294967294 (root is refused: the file
	// system policy denies root access). Required.
	UID int
	// GID is the POSIX group every client of the access point acts as:
	// 1-4294967294. Required.
	GID int
	// Permissions are the octal mode of the root directory when EFS
	// creates it, such as "0750" or "750".
	// Default: "0750"
	Permissions string
	// Tags are added to the access point.
	// Default: - none
	Tags map[string]string
}

// AccessPoint is an EFS access point: one directory of a file system,
// mounted as the clients' root, where every client acts as one POSIX user.
// It gives a tenant (a namespace, a service) its own part of a shared file
// system.
type AccessPoint struct {
	constructs.Construct
	ap      efsaccesspoint.EfsAccessPoint
	id, arn string
	fs      *FileSystem
}

var (
	permissionsRe = regexp.MustCompile(`^[0-7]{3,4}$`)
	// pathSegmentBad are the characters EFS refuses in a root directory path.
	pathSegmentBad = "$#<>;`|&?{}^*\n"
)

const maxPOSIXID = 4294967294

// NewAccessPoint validates props and creates the access point, with its root
// directory created on first mount as UID:GID with Permissions, and every
// client acting as UID:GID. It returns every problem with props at once,
// joined, each a *validate.FieldError wrapping validate.ErrInvalid (nothing
// is created then).
func NewAccessPoint(scope constructs.Construct, id string, props AccessPointProps) (*AccessPoint, error) {
	r := validation.ForConstruct("storage", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if props.FileSystem == nil {
		r.Addf("FileSystem", "is nil; give the storage.FileSystem the access point opens")
	}
	checkAccessPointPath(r, props.Path)
	for _, v := range []struct {
		field string
		id    int
	}{{"UID", props.UID}, {"GID", props.GID}} {
		switch {
		case v.id == 0:
			r.Addf(v.field, "is 0 (root); set the POSIX id every client of the access point acts as, 1-%d (the file system policy denies root access)", maxPOSIXID)
		case v.id < 0 || int64(v.id) > maxPOSIXID:
			r.Addf(v.field, "%d is not a POSIX id EFS accepts; use 1-%d", v.id, maxPOSIXID)
		}
	}
	perms := props.Permissions
	if perms == "" {
		perms = "0750"
	}
	if !permissionsRe.MatchString(perms) {
		r.Addf("Permissions", "%q is not an octal mode such as \"0750\" (3 or 4 digits 0-7)", props.Permissions)
	}
	for _, k := range ptr.SortedKeys(props.Tags) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			r.Addf("Tags", "key %q uses the reserved aws: prefix", k)
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}

	a := &AccessPoint{fs: props.FileSystem}
	constructs.NewConstruct_Override(a, scope, &id)
	name := props.FileSystem.name + ":" + props.Path
	if validation.IsToken(props.FileSystem.name) || validation.IsToken(props.Path) {
		name = id
	}
	a.ap = efsaccesspoint.NewEfsAccessPoint(a, ptr.String("access-point"), &efsaccesspoint.EfsAccessPointConfig{
		FileSystemId: ptr.String(props.FileSystem.ID()),
		PosixUser: &efsaccesspoint.EfsAccessPointPosixUser{
			Uid: ptr.Number(props.UID),
			Gid: ptr.Number(props.GID),
		},
		RootDirectory: &efsaccesspoint.EfsAccessPointRootDirectory{
			Path: ptr.String(props.Path),
			CreationInfo: &efsaccesspoint.EfsAccessPointRootDirectoryCreationInfo{
				OwnerUid:    ptr.Number(props.UID),
				OwnerGid:    ptr.Number(props.GID),
				Permissions: ptr.String(perms),
			},
		},
		Tags: ptr.Map(ptr.Merge(props.Tags, map[string]string{"Name": name})),
	})
	a.id, a.arn = *a.ap.Id(), *a.ap.Arn()
	return a, nil
}

// checkAccessPointPath records what is wrong with an access point's root
// directory: EFS's own rules (absolute, 1-4 levels, at most 100
// characters, no level starting with '.', none of $#<>;`|&?{}^*) and ours
// (no "..", not "/").
func checkAccessPointPath(r *validation.Report, path string) {
	switch {
	case path == "":
		r.Addf("Path", "is empty; give the directory the access point exposes, such as \"/tenants/risk\"")
		return
	case validation.IsToken(path):
		return
	case !strings.HasPrefix(path, "/"):
		r.Addf("Path", "%q is not absolute; start it with '/', such as \"/tenants/risk\"", path)
		return
	case path == "/":
		r.Addf("Path", "%q is the whole file system; give a tenant its own directory, such as \"/tenants/risk\"", path)
		return
	case strings.Contains(path, ".."):
		r.Addf("Path", "%q contains \"..\"; the root directory must not climb out of its parent", path)
		return
	}
	if len(path) > 100 {
		r.Addf("Path", "%q is %d characters; EFS allows at most 100", path, len(path))
	}
	segments := strings.Split(path[1:], "/")
	if len(segments) > 4 {
		r.Addf("Path", "%q has %d levels; EFS allows at most 4", path, len(segments))
	}
	for _, s := range segments {
		switch {
		case s == "":
			r.Addf("Path", "%q has an empty level (a doubled or trailing '/')", path)
			return
		case strings.HasPrefix(s, "."):
			r.Addf("Path", "%q has the level %q starting with '.', which EFS refuses", path, s)
			return
		case strings.ContainsAny(s, pathSegmentBad):
			r.Addf("Path", "%q contains one of the characters EFS refuses in a path: %s", path, strings.TrimSpace(pathSegmentBad))
			return
		}
	}
}

// ID returns the access point's id (fsap-...).
func (a *AccessPoint) ID() string { return a.id }

// ARN returns the access point's ARN.
func (a *AccessPoint) ARN() string { return a.arn }

// FileSystemID returns the id of the access point's file system.
func (a *AccessPoint) FileSystemID() string { return a.fs.ID() }

// VolumeHandle returns "<file system id>::<access point id>", the
// spec.csi.volumeHandle of a static PersistentVolume of the EFS CSI driver
// (efs.csi.aws.com) that mounts through this access point (with TLS, which
// the driver adds for access points). EKS Fargate's built-in EFS support
// reads the same form.
func (a *AccessPoint) VolumeHandle() string { return a.fs.ID() + "::" + a.ID() }

// GrantMount lets g mount the file system through this access point only
// (elasticfilesystem:ClientMount, and ClientWrite when write is true, on the
// file system, conditioned on elasticfilesystem:AccessPointArn). The grant
// matters to clients that mount with IAM authorization (the EFS CSI
// driver's "iam" mount option, efs-utils' -o iam). It returns an error
// wrapping validate.ErrInvalid when g is nil, and the error of
// g.AddToRolePolicy.
func (a *AccessPoint) GrantMount(g grant.Grantee, write bool) error {
	if g == nil {
		r := validation.NewReport("storage", *a.Node().Path())
		r.Addf(fmt.Sprintf("GrantMount(write=%t)", write), "the grantee is nil")
		return r.Err()
	}
	actions := []string{"elasticfilesystem:ClientMount"}
	sid, name := "MountThroughAccessPoint", "mount-"
	if write {
		actions = append(actions, "elasticfilesystem:ClientWrite")
		sid, name = "MountWriteThroughAccessPoint", "mount-write-"
	}
	st := iamdoc.Allow(sid, actions, a.fs.ARN())
	st.Condition = map[string]map[string]any{"StringEquals": {"elasticfilesystem:AccessPointArn": a.ARN()}}
	return g.AddToRolePolicy(name+*a.Node().Id(), st)
}

// Resource returns the aws_efs_access_point resource as an escape hatch.
func (a *AccessPoint) Resource() efsaccesspoint.EfsAccessPoint { return a.ap }
