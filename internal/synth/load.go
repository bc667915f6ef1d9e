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
func Default() ([]*model.Account, error) { return Load(DefaultOptions()) }

// DenseOptions is the default account's size in the Dense shape: a real account's trust.
func DenseOptions() Options {
	o := DefaultOptions()
	o.Shape = Dense
	return o
}

// Load returns the account the options describe, as iamscope reads a dump: generated into a
// temporary file and loaded with loader.LoadFile once per process and options. The accounts
// are shared: do not change them.
func Load(opts Options) ([]*model.Account, error) {
	once, _ := loaded.LoadOrStore(opts, sync.OnceValues(func() ([]*model.Account, error) { return load(opts) }))
	return once.(func() ([]*model.Account, error))()
}

// loaded holds, per Options, the function that loads that account once.
var loaded sync.Map

// load generates the account into a temporary file and loads it.
func load(opts Options) ([]*model.Account, error) {
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
	if err := Generate(f, opts); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return loader.LoadFile(path, nil)
}
