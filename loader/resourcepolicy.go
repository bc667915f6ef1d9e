package loader

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/iamscope/iamscope/model"
)

// Resource policies are given as files beside a dump (or in a directory given to --file), each
// the output of one AWS CLI call, recognised by its shape:
//
//   - {"Policy": "..."}: s3api get-bucket-policy, lambda get-policy, kms get-key-policy. The
//     resource is the one every statement's Resource names (an S3 bucket for its objects), or,
//     for a bucket, the name of a file called s3-get-bucket-policy_BUCKET.json (the layout
//     CloudMapper's collector writes).
//   - {"registryId", "repositoryName", "policyText"}: ecr get-repository-policy. The region is
//     taken from a directory of the file's path named like a region (us-east-1), as in
//     CloudMapper's account-data/ACCOUNT/REGION/ layout.
//   - {"ARN", "ResourcePolicy"}: secretsmanager get-resource-policy.
//   - {"Attributes": {"Policy", "TopicArn" or "QueueArn"}}: sns get-topic-attributes, sqs
//     get-queue-attributes --attribute-names Policy QueueArn.
//
// A resource policy belongs to the account its resource's ARN names; a bucket's ARN names none,
// so a bucket policy joins the one account loaded with it.

// resourcePolicyFile is one resource policy read from a file.
type resourcePolicyFile struct {
	src      *source
	account  string // "" for an S3 bucket
	policy   *model.ResourcePolicy
	warnings []model.Warning
}

// isResourcePolicy reports whether an object has the shape of a resource policy file.
func isResourcePolicy(members []member) bool {
	keys := memberKeys(members)
	switch {
	case keys["policyText"] && keys["repositoryName"] && keys["registryId"],
		keys["ResourcePolicy"] && keys["ARN"],
		keys["Attributes"],
		keys["Policy"]:
		return true
	}
	return false
}

func memberKeys(members []member) map[string]bool {
	keys := make(map[string]bool, len(members))
	for _, m := range members {
		keys[m.key] = true
	}
	return keys
}

// readResourcePolicy reads a resource policy file of one of the shapes above.
func readResourcePolicy(src *source, members []member) (*resourcePolicyFile, error) {
	e := &entry{src: src, start: skipSpace(src.data, 0)}
	o := object{e: e, members: members}
	keys := memberKeys(members)
	var docKey, arn string
	switch {
	case keys["policyText"]:
		docKey = "policyText"
		region := regionInPath(src.name)
		if region == "" {
			e.warn("", "", "no directory of the path is named for a region (as us-east-1), so the repository's ARN has none")
		}
		arn = fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", region, o.str("registryId"), o.str("repositoryName"))
	case keys["ResourcePolicy"]:
		docKey, arn = "ResourcePolicy", o.str("ARN")
	case keys["Attributes"]:
		sp, _ := o.get("Attributes")
		attrs, ok := e.asObject("Attributes", sp, "")
		if !ok {
			return nil, fmt.Errorf("%s: Attributes must be an object", src.at(sp.start, "Attributes"))
		}
		o, docKey = attrs, "Policy"
		arn = attrs.str("TopicArn")
		if arn == "" {
			arn = attrs.str("QueueArn")
		}
		if arn == "" {
			return nil, fmt.Errorf("%s: Attributes names no TopicArn or QueueArn, so the policy's resource is unknown", src.at(sp.start, "Attributes"))
		}
	default:
		docKey = "Policy"
	}
	sp, ok := o.get(docKey)
	if !ok {
		return nil, fmt.Errorf("%s: %s is missing", src.at(e.start, ""), o.at(docKey))
	}
	doc, err := model.ParsePolicy(src.data[sp.start:sp.end])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.at(sp.start, o.at(docKey)), err)
	}
	if docKey == "Policy" && arn == "" {
		if arn, err = policyResource(src.name, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", src.name, err)
		}
	}
	parsed, err := model.ParseARN(arn)
	if err != nil {
		return nil, fmt.Errorf("%s: the policy's resource: %w", src.name, err)
	}
	if err := doc.Check(model.KindResource); err != nil && !missingResourceOK(parsed.Service, err) {
		return nil, fmt.Errorf("%s: %w", src.at(sp.start, o.at(docKey)), err)
	}
	return &resourcePolicyFile{
		src:      src,
		account:  parsed.Account,
		policy:   &model.ResourcePolicy{ResourceARN: arn, Service: parsed.Service, Document: doc},
		warnings: e.warns,
	}, nil
}

// missingResourceOK reports whether err is only a statement without Resource in the policy of
// a service whose resource policies leave it out (ECR repository policies apply to their
// repository).
func missingResourceOK(service string, err error) bool {
	var pe *model.PolicyError
	return service == "ecr" && errors.As(err, &pe) && strings.HasSuffix(pe.Path, ".Resource") && strings.HasPrefix(pe.Msg, "missing")
}

// policyResource finds the resource a policy given bare ({"Policy": ...}) belongs to: a bucket
// named by the file (s3-get-bucket-policy_BUCKET.json), or else the one resource every
// statement names (for a bucket policy, the bucket whose objects they name).
func policyResource(name string, doc *model.Policy) (string, error) {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	if bucket, ok := strings.CutPrefix(base, "s3-get-bucket-policy_"); ok && bucket != "" {
		return "arn:aws:s3:::" + bucket, nil
	}
	resource := ""
	for _, s := range doc.Statements {
		for _, r := range s.Resources {
			if strings.HasPrefix(r, "arn:aws:s3:::") || strings.HasPrefix(r, "arn:aws-") && strings.Contains(r, ":s3:::") {
				r, _, _ = strings.Cut(r, "/")
			}
			if s.NotResource || r == "*" || strings.ContainsAny(r, "*?") || resource != "" && r != resource {
				return "", errors.New("cannot tell which resource the policy belongs to: its statements name no single resource (for a bucket policy, name the file s3-get-bucket-policy_BUCKET.json)")
			}
			resource = r
		}
	}
	if resource == "" {
		return "", errors.New("cannot tell which resource the policy belongs to: no statement names one")
	}
	return resource, nil
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`)

// regionInPath returns the last directory of a path named like an AWS region, or "".
func regionInPath(name string) string {
	dirs := strings.Split(filepath.ToSlash(filepath.Dir(name)), "/")
	for i := len(dirs) - 1; i >= 0; i-- {
		if regionPattern.MatchString(dirs[i]) {
			return dirs[i]
		}
	}
	return ""
}
