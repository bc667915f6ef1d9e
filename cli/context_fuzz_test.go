package cli

import (
	"strings"
	"sync"
	"testing"

	"github.com/iamscope/iamscope/eval"
	"github.com/iamscope/iamscope/internal/corpus"
	"github.com/iamscope/iamscope/internal/sanitize"
	"github.com/iamscope/iamscope/loader/demo"
)

var demoOnce = sync.OnceValues(func() (*eval.Engine, error) {
	accounts, err := demo.Accounts()
	if err != nil {
		return nil, err
	}
	return eval.NewEngine(accounts...), nil
})

// FuzzParseContext reads arbitrary --context flags (one per line) and decides a request on
// the demo account with the context they give. A flag that is refused is a usage error whose
// message is inert on a terminal; a context that is read is decided without error, in both
// modes. Seeds: the conditions of the public policies, as key=value.
func FuzzParseContext(f *testing.F) {
	_, _, conditions, err := corpus.PolicyElements()
	if err != nil {
		f.Fatal(err)
	}
	for i, c := range conditions {
		pair := c[0] + "=" + c[1]
		if i%3 == 0 && i+1 < len(conditions) { // some seeds give several flags
			pair += "\n" + conditions[i+1][0] + "=" + conditions[i+1][1]
		}
		f.Add(pair)
	}
	for _, s := range []string{"aws:MultiFactorAuthPresent=true", "aws:SourceIp=203.0.113.7", "aws:SourceIp=2001:db8::1",
		"aws:TagKeys=a,b,,c", "aws:CurrentTime=2025-01-01T00:00:00Z", "aws:EpochTime=1700000000", "aws:PrincipalTag/team=x=y",
		"s3:prefix=", "nokey", "=x", " : =1", "aws:MultiFactorAuthAge=1e309", "aws:SecureTransport=TRUE\naws:SecureTransport=false"} {
		f.Add(s)
	}
	e, err := demoOnce()
	if err != nil {
		f.Fatal(err)
	}
	p, ok := e.Principal(dana)
	if !ok {
		f.Fatal("no dana in the demo")
	}
	f.Fuzz(func(t *testing.T, flags string) {
		ctx, err := parseContext(strings.Split(flags, "\n"))
		if err != nil {
			if !IsUsage(err) {
				t.Fatalf("a refused --context is not a usage error: %v", err)
			}
			if msg := err.Error(); sanitize.Text(msg) != msg {
				t.Fatalf("the message is not inert: %q", msg)
			}
			return
		}
		for _, mode := range []eval.Mode{eval.Strict, eval.Discovery} {
			if _, err := e.Can(p, "s3:GetObject", payroll, ctx, eval.Options{Mode: mode, Explain: true}); err != nil {
				t.Fatalf("Can with the context: %v", err)
			}
		}
	})
}
