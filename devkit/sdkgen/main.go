// Command sdkgen generates the Python, Node.js (TypeScript) and Go SDKs of a Pulumi package from
// its schema, with the code generators `pulumi package gen-sdk` uses (github.com/pulumi/pulumi/pkg/v3
// codegen/python, codegen/nodejs and codegen/go), without needing the language hosts' GeneratePackage
// RPC (which the language hosts that run on this machine lack).
//
//	sdkgen -schema schema.json -out sdk/
//
// writes OUT/python/, OUT/nodejs/ and OUT/go/<package>/ (the layout of Pulumi's providers), removing
// each of those three folders first, and OUT/go.mod (the Go SDK's module, one level above go/, as
// Pulumi's providers keep it). Nothing else under OUT is touched. Its go.sum is left to
// `go mod tidy` (scripts/gen-sdk runs it).
//
// Each SDK is generated as the matching language host does it (pulumi/pulumi
// sdk/{python,nodejs,go}/cmd/pulumi-language-*/main.go, GeneratePackage): the schema is bound afresh
// for each language (the generators write into the bound package's language sections), with the
// same tool name in the files' headers, no overlays (extraFiles), no local dependencies and
// local=false (a publishable SDK, not a `pulumi package add` one). Versions come from the schema:
// its `version`, used by the generators where a language section sets `respectSchemaVersion`.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The Pulumi Go SDK the generated Go SDK's module requires (`go mod tidy` completes it).
const pulumiGoSDK = "github.com/pulumi/pulumi/sdk/v3"

const pulumiGoSDKVersion = "v3.260.0"

// The generated Go SDK's go.mod before `go mod tidy`; the go line is what codegen/go writes for
// SDKs that keep their own go.mod (tidy raises it to what the Pulumi SDK needs).
const goModTemplate = `module %s

go 1.25

require %s %s
`

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON) to generate from")
	out := flag.String("out", "", "the SDK root directory: python/, nodejs/, go/ and go.mod are written in it")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: sdkgen -schema schema.json -out sdk/\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *schemaPath == "" || *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	// Checked once here; each language binds its own copy below.
	spec, pkg, err := bind(raw, schemaPath)
	if err != nil {
		return err
	}
	warnVersion(spec)
	modulePath := ""
	if !pkg.SupportPack {
		if modulePath, err = goModulePath(pkg); err != nil {
			return err
		}
	}

	type language struct {
		name string
		dir  string
		gen  func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error)
	}
	languages := []language{
		{"python", "python", func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
			files, err := python.GeneratePackage("pulumi-language-python", pkg, nil /*extraFiles*/, loader)
			if err != nil {
				return nil, err
			}
			addPythonProjectReadme(pkg, files)
			return files, nil
		}},
		{"nodejs", "nodejs", func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
			return nodejs.GeneratePackage("pulumi-language-nodejs", pkg, nil /*extraFiles*/, nil, /*localDependencies*/
				false /*localSDK*/, loader)
		}},
		{"go", "go", func(pkg *schema.Package, _ schema.ReferenceLoader) (map[string][]byte, error) {
			return gogen.GeneratePackage("pulumi-language-go", pkg, nil /*localDependencies*/)
		}},
	}

	for _, lang := range languages {
		_, pkg, err := bind(raw, schemaPath)
		if err != nil {
			return err
		}
		files, err := lang.gen(pkg, newLoader())
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", lang.name, err)
		}
		dir := filepath.Join(out, lang.dir)
		if err := writeTree(dir, files); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "sdkgen: wrote %d files to %s\n", len(files), dir)
	}

	// Go: Pulumi's providers keep the SDK's go.mod in sdk/, above go/<package>/. (A schema with
	// meta.supportPack makes codegen/go write go/go.mod itself, with another module path.)
	goMod := filepath.Join(out, "go.mod")
	if pkg.SupportPack {
		fmt.Fprintf(os.Stderr, "sdkgen: the schema sets supportPack: the Go SDK has its own go/go.mod; not writing %s\n", goMod)
		return nil
	}
	text := fmt.Sprintf(goModTemplate, modulePath, pulumiGoSDK, pulumiGoSDKVersion)
	if err := writeFile(goMod, []byte(text)); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "sdkgen: wrote %s (module %s)\n", goMod, modulePath)
	return nil
}

// newLoader returns a schema loader that knows no other package: the schema must not reference
// another package's types or resources (binding reports it if it does).
func newLoader() schema.ReferenceLoader {
	return schema.NewCachedLoaderWithEntries(nil, map[string]schema.PackageReference{})
}

// bind parses and binds the schema, printing its diagnostics; errors fail.
func bind(raw []byte, schemaPath string) (schema.PackageSpec, *schema.Package, error) {
	var spec schema.PackageSpec
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&spec); err != nil {
		return spec, nil, fmt.Errorf("reading %s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, newLoader(), schema.ValidationOptions{})
	printDiagnostics(schemaPath, diags)
	if err != nil {
		return spec, nil, fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return spec, nil, fmt.Errorf("binding %s failed with %d error(s)", schemaPath, len(diags.Errs()))
	}
	return spec, pkg, nil
}

var printedDiagnostics = map[string]bool{}

func printDiagnostics(schemaPath string, diags hcl.Diagnostics) {
	for _, d := range diags {
		severity := "warning"
		if d.Severity == hcl.DiagError {
			severity = "error"
		}
		where := schemaPath
		if d.Subject != nil && d.Subject.Filename != "" {
			where = schemaPath + ": " + d.Subject.Filename
		}
		msg := fmt.Sprintf("sdkgen: %s: %s: %s", where, severity, d.Summary)
		if d.Detail != "" && d.Detail != d.Summary {
			msg += "; " + d.Detail
		}
		// The schema is bound once per language: say each thing once.
		if !printedDiagnostics[msg] {
			printedDiagnostics[msg] = true
			fmt.Fprintln(os.Stderr, msg)
		}
	}
}

// warnVersion says when the generated package metadata will not carry the schema's version:
// without `respectSchemaVersion` the generators write placeholders (package.json "${VERSION}",
// Python "0.0.0") that a release build is expected to substitute.
func warnVersion(spec schema.PackageSpec) {
	if spec.Version == "" {
		fmt.Fprintln(os.Stderr, "sdkgen: warning: the schema has no version; the SDKs get placeholder versions")
		return
	}
	var missing []string
	for _, lang := range []string{"python", "nodejs", "go"} {
		var info struct {
			RespectSchemaVersion bool `json:"respectSchemaVersion"`
		}
		if raw, ok := spec.Language[lang]; ok {
			_ = json.Unmarshal(raw, &info)
		}
		if !info.RespectSchemaVersion {
			missing = append(missing, lang)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		fmt.Fprintf(os.Stderr, "sdkgen: warning: language.{%s}.respectSchemaVersion is not set: those SDKs "+
			"get placeholder versions, not %s\n", strings.Join(missing, ","), spec.Version)
	}
}

// addPythonProjectReadme copies the package's README.md (written inside the Python package, from
// language.python.readme or the schema's description) to the project root, next to pyproject.toml /
// setup.py, which name "README.md" as the project's readme: codegen/python does not write it there
// (Pulumi's providers copy it in and commit it), and without it setuptools warns "File
// '.../python/README.md' cannot be found" and the distribution has no long description.
func addPythonProjectReadme(pkg *schema.Package, files map[string][]byte) {
	if _, ok := files["README.md"]; ok {
		return
	}
	name := python.PyPack(pkg.Namespace, pkg.Name)
	if info, ok := pkg.Language["python"].(python.PackageInfo); ok && info.PackageName != "" {
		name = info.PackageName
	}
	if readme, ok := files[path.Join(name, "README.md")]; ok {
		files["README.md"] = readme
	}
}

// goModulePath is the Go SDK's module path: the schema's language.go.importBasePath without its
// trailing go/<package> (…/sdk/go/codestar -> …/sdk), where sdk/go.mod lives.
func goModulePath(pkg *schema.Package) (string, error) {
	if err := pkg.ImportLanguages(map[string]schema.Language{"go": gogen.Importer}); err != nil {
		return "", err
	}
	var importBase string
	if info, ok := pkg.Language["go"].(gogen.GoPackageInfo); ok {
		if info.ModulePath != "" {
			return info.ModulePath, nil
		}
		importBase = info.ImportBasePath
	}
	if importBase == "" {
		importBase = gogen.ExtractImportBasePath(pkg.Reference())
	}
	dir, leaf := path.Split(strings.TrimSuffix(importBase, "/"))
	parent := strings.TrimSuffix(dir, "/")
	if leaf == "" || path.Base(parent) != "go" {
		return "", fmt.Errorf("language.go.importBasePath %q does not end in /go/<package>: "+
			"cannot place the Go SDK's go.mod (set language.go.modulePath)", importBase)
	}
	return path.Dir(parent), nil
}

// writeTree replaces dir with exactly files (paths relative to dir, slash-separated).
func writeTree(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		clean := filepath.Clean(filepath.FromSlash(name))
		if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
			return fmt.Errorf("generator produced a path outside %s: %q", dir, name)
		}
		if err := writeFile(filepath.Join(dir, clean), files[name]); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return errors.Join(fmt.Errorf("writing %s", name), err)
	}
	return nil
}
