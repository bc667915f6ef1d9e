package live

import (
	"bufio"
	"context"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// s3Addressing returns the option that chooses how S3 is addressed. AWS's own endpoints take
// the bucket in the host name (virtual-hosted style); a custom endpoint (Options.Endpoint,
// AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, a profile's endpoint_url or its services section) is
// an emulator or proxy whose host has no name per bucket (bucket.localhost does not resolve),
// so S3 is then addressed path style, as it is when the profile's s3 settings say
// addressing_style = path. The SDK has resolved the endpoint into o.BaseEndpoint by the time
// the option runs.
func s3Addressing(cfg aws.Config) func(*s3.Options) {
	path := s3AddressingStyle(cfg) == "path"
	return func(o *s3.Options) {
		o.UsePathStyle = o.UsePathStyle || path || o.BaseEndpoint != nil
	}
}

// s3AddressingStyle returns the addressing_style of the s3 settings of the profile cfg was
// loaded from, in the shared config file ("path", "virtual", "auto"), or "" when it sets none:
//
//	[profile NAME]
//	s3 =
//	  addressing_style = path
func s3AddressingStyle(cfg aws.Config) string {
	profile, file := "default", config.DefaultSharedConfigFilename()
	for _, src := range cfg.ConfigSources {
		switch s := src.(type) {
		case config.SharedConfig:
			if s.Profile != "" {
				profile = s.Profile
			}
		case config.EnvConfig:
			if s.SharedConfigFile != "" {
				file = s.SharedConfigFile
			}
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return "" // the SDK has read it already; a file that went away sets nothing
	}
	defer f.Close()
	return nestedSetting(bufio.NewScanner(f), profile, "s3", "addressing_style")
}

// nestedSetting reads an AWS config file and returns the nested setting key of the property
// parent (a property with no value, followed by indented "key = value" lines) in profile's
// section, "" when absent. The default profile's section is [default] or [profile default].
func nestedSetting(sc *bufio.Scanner, profile, parent, key string) string {
	inProfile, inParent := false, false
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, "#;"); i >= 0 {
			line = line[:i]
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		if strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") {
			name := strings.Join(strings.Fields(trimmed[1:len(trimmed)-1]), " ")
			inProfile = name == "profile "+profile || (profile == "default" && name == "default")
			inParent = false
			continue
		}
		if !inProfile {
			continue
		}
		k, v, _ := strings.Cut(trimmed, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		indented := line[0] == ' ' || line[0] == '\t'
		switch {
		case !indented:
			inParent = strings.EqualFold(k, parent) && v == ""
		case inParent && strings.EqualFold(k, key):
			return strings.ToLower(v)
		}
	}
	return ""
}

// s3controlAddressing is the option that, with a custom endpoint whose host is an IP address or
// localhost, addresses S3 Control at that host. AWS puts the account id in front of S3
// Control's host (ACCOUNT.s3-control.REGION.amazonaws.com), which such a host cannot take
// (ACCOUNT.127.0.0.1 is no address, ACCOUNT.localhost does not resolve); the account id also
// travels in the x-amz-account-id header, which is what emulators read. A named custom
// endpoint (a PrivateLink endpoint's DNS name) keeps the SDK's addressing.
func s3controlAddressing(o *s3control.Options) {
	if o.BaseEndpoint == nil {
		return
	}
	base := o.EndpointResolverV2
	if base == nil {
		base = s3control.NewDefaultEndpointResolverV2()
	}
	o.EndpointResolverV2 = atEndpointHost{base}
}

// atEndpointHost resolves S3 Control's endpoints as the SDK does, then puts back the custom
// endpoint's host.
type atEndpointHost struct{ s3control.EndpointResolverV2 }

func (r atEndpointHost) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.EndpointResolverV2.ResolveEndpoint(ctx, p)
	if err != nil || p.Endpoint == nil {
		return ep, err
	}
	u, perr := url.Parse(*p.Endpoint)
	if perr != nil {
		return ep, nil
	}
	if h := u.Hostname(); h == "localhost" || net.ParseIP(h) != nil {
		ep.URI.Host = u.Host
	}
	return ep, nil
}
