// Command privesc turns the public catalogue of AWS privilege-escalation paths
// (DataDog/pathfinding.cloud, Apache-2.0, as extracted in salesforce/cloudsplaining) into the
// compact JSON that package catalog embeds: for each path its id, name, category, services,
// required and additional actions, parent path and description.
//
// The catalogue's YAML is kept in testdata/ beside this file (see its SOURCES.md); the test
// checks that the embedded JSON is what this command makes of it.
//
//	go run ./catalog/gen/privesc -in catalog/gen/privesc/testdata/pathfinding-paths-catalog.yaml -out catalog/data/privesc.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// source is the catalogue as the YAML file holds it.
type source struct {
	Source    string `yaml:"source"`
	PathCount int    `yaml:"path_count"`
	Paths     []struct {
		ID                 string   `yaml:"id"`
		Name               string   `yaml:"name"`
		Category           string   `yaml:"category"`
		Services           []string `yaml:"services"`
		RequiredActions    []string `yaml:"required_actions"`
		AdditionalActions  []string `yaml:"additional_actions"`
		Parent             *string  `yaml:"parent"`
		ParentModification *string  `yaml:"parent_modification"`
		Description        string   `yaml:"description"`
	} `yaml:"paths"`
}

// Path is one entry of the embedded catalogue (the shape catalog.EscalationPath reads).
type Path struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	Category          string   `json:"category"`
	Services          []string `json:"services"`
	RequiredActions   []string `json:"requiredActions"`
	AdditionalActions []string `json:"additionalActions,omitempty"`
	Parent            string   `json:"parent,omitempty"`
	Description       string   `json:"description"`
}

func main() {
	in := flag.String("in", "catalog/gen/privesc/testdata/pathfinding-paths-catalog.yaml", "the pathfinding paths catalogue (YAML)")
	out := flag.String("out", "catalog/data/privesc.json", "where to write the embedded JSON")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "privesc:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var src source
	if err := yaml.Unmarshal(data, &src); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(src.Paths) != src.PathCount {
		return fmt.Errorf("%s: path_count says %d, the file holds %d", in, src.PathCount, len(src.Paths))
	}
	paths := make([]Path, 0, len(src.Paths))
	for i, p := range src.Paths {
		if p.ID == "" || p.Category == "" || len(p.RequiredActions) == 0 {
			return fmt.Errorf("%s: paths[%d] (%q): id, category and required_actions are needed", in, i, p.ID)
		}
		q := Path{ID: p.ID, Name: p.Name, Category: p.Category, Services: p.Services,
			RequiredActions: p.RequiredActions, AdditionalActions: p.AdditionalActions,
			Description: strings.Join(strings.Fields(p.Description), " ")}
		if p.Parent != nil {
			q.Parent = *p.Parent
		}
		paths = append(paths, q)
	}
	doc := struct {
		Source  string `json:"source"`
		License string `json:"license"`
		Paths   []Path `json:"paths"`
	}{src.Source, "Apache-2.0 (DataDog/pathfinding.cloud)", paths}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}
