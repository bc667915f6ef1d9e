package synth

import (
	"fmt"
	"strings"
)

// Word lists for names: teams, what a thing does, environments, people.
var (
	teams = []string{"checkout", "search", "payments", "catalog", "identity", "platform", "data", "analytics",
		"mobile", "web", "ml", "security", "billing", "logistics", "support", "growth", "infra", "sre",
		"finance", "marketing", "inventory", "pricing", "reviews", "notifications"}
	purposes = []string{"api", "worker", "ingest", "etl", "reporting", "scheduler", "frontend", "backend",
		"cache", "indexer", "exporter", "importer", "notifier", "auth", "gateway", "stream", "batch",
		"crawler", "renderer", "resizer", "sync", "audit", "backup", "deploy", "monitor", "alerting",
		"migration", "reconciler", "webhook", "ledger", "feeds", "archiver"}
	envs       = []string{"prod", "staging", "dev", "qa", "sandbox"}
	regions    = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"}
	firstNames = []string{"ada", "ben", "carla", "dev", "elena", "farid", "grace", "hiro", "ines", "jonas",
		"kemi", "lars", "maya", "nikhil", "olga", "pablo", "quinn", "rosa", "sven", "tara", "umar",
		"vera", "wen", "ximena", "yusuf", "zoe", "amir", "bianca", "chen", "dora", "emeka", "fatima",
		"gustav", "hana", "ivan", "jia", "kofi", "lena", "mateo", "nora", "oscar", "priya", "rafael",
		"sana", "tomas", "uma", "viktor", "willa", "yara", "zeno"}
	lastNames = []string{"okafor", "lindqvist", "whitfield", "sato", "novak", "brandt", "mwangi", "haddad",
		"raman", "russo", "carter", "delgado", "lam", "fernandez", "nguyen", "kowalski", "mueller",
		"rossi", "dubois", "silva", "tanaka", "kim", "patel", "ivanova", "hansen", "jensen", "murphy",
		"obrien", "garcia", "lopez", "schmidt", "costa", "yilmaz", "kaur", "singh", "ahmed", "hughes",
		"moreau", "bauer", "petrov", "santos", "berg", "nakamura", "osei", "adeyemi", "walsh", "keller",
		"moreno", "larsen", "vogel"}
)

// names hands out names that are unique within their kind, as IAM requires (regardless of
// case), adding a number when a name is taken.
type names struct {
	used map[string]bool
}

func newNames() *names { return &names{used: map[string]bool{}} }

// unique returns base, or base with the smallest number from 2 that makes it unique.
func (n *names) unique(base string) string {
	name := base
	for i := 2; n.used[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	n.used[strings.ToLower(name)] = true
	return name
}
