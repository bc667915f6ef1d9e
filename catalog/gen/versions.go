package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// packageJSON holds the fields of an npm package.json that VERSIONS records.
type packageJSON struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	License    string `json:"license"`
	Repository struct {
		URL string `json:"url"`
	} `json:"repository"`
}

// source is one npm package the data came from, with its licence.
type source struct {
	pkg         packageJSON
	licence     []byte // the package's licence text
	copyright   string // the licence's copyright line
	licenceFile string // the name the licence is copied to in the data folder
}

// readSource reads the package.json and the licence file of the package unpacked in dir.
func readSource(dir string) (source, error) {
	var s source
	if err := readJSON(filepath.Join(dir, "package.json"), &s.pkg); err != nil {
		return s, err
	}
	if s.pkg.Name == "" || s.pkg.Version == "" {
		return s, fmt.Errorf("%s/package.json has no name or version", dir)
	}
	if s.pkg.License != "MIT" {
		return s, fmt.Errorf("package %s is licensed %q, not MIT: check that it may be embedded before going on", s.pkg.Name, s.pkg.License)
	}
	matches, err := filepath.Glob(filepath.Join(dir, "LICENSE*"))
	if err != nil || len(matches) != 1 {
		return s, fmt.Errorf("package %s: want one LICENSE file in %s, found %v", s.pkg.Name, dir, matches)
	}
	if s.licence, err = os.ReadFile(matches[0]); err != nil {
		return s, fmt.Errorf("reading the licence of %s: %w", s.pkg.Name, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(s.licence))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "Copyright") {
			s.copyright = line
			break
		}
	}
	if s.copyright == "" {
		return s, fmt.Errorf("the licence of %s has no copyright line", s.pkg.Name)
	}
	s.licenceFile = "LICENSE." + filepath.Base(s.pkg.Name)
	return s, nil
}

// writeVersions writes VERSIONS, one tab-separated line per package (name, version, licence,
// copyright, source), and each package's licence text beside it.
func writeVersions(outDir string, dirs []string) error {
	var b strings.Builder
	b.WriteString("# The data embedded in package catalog, written by scripts/gen-catalog.sh from these npm\n")
	b.WriteString("# packages. Both are MIT licensed; each licence text is in the LICENSE.<package> file beside\n")
	b.WriteString("# this one. Lines: package, version, licence, copyright, source, separated by tabs.\n")
	for _, dir := range dirs {
		s, err := readSource(dir)
		if err != nil {
			return err
		}
		repo := strings.TrimSuffix(strings.TrimPrefix(s.pkg.Repository.URL, "git+"), ".git")
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", s.pkg.Name, s.pkg.Version, s.pkg.License, s.copyright, repo)
		path := filepath.Join(outDir, s.licenceFile)
		if err := os.WriteFile(path, s.licence, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	path := filepath.Join(outDir, "VERSIONS")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
