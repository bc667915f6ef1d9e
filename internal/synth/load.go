package synth

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/iamscope/iamscope/loader"
	"github.com/iamscope/iamscope/model"
)

// Default returns the default large account (DefaultOptions) as iamscope reads a dump: the
// file is generated into a temporary folder and loaded with loader.LoadFile, once per
// process, for the benchmarks of several packages. The accounts are shared: do not change them.
func Default() ([]*model.Account, error) { return loadDefault() }

var loadDefault = sync.OnceValues(func() ([]*model.Account, error) {
	dir, err := os.MkdirTemp("", "iamscope-synth")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "large.json")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := Generate(f, DefaultOptions()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return loader.LoadFile(path, nil)
})
