// The CLI tests redirect the process-wide Console.Error to capture a command's one-line error (CliRunner), while
// other tests' sweeps print progress lines to it: run in parallel, one test could read another's progress as its
// own error output (seen once in CI: OutputFolderTests got "[rinr] Simulating (1)"). So this assembly runs its tests
// one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
