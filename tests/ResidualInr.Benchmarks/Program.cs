using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/ResidualInr.Benchmarks -- --filter '*Jpeg*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
