using ResidualInr.Cli;
using ResidualInr.Cli.Plots;

// Test-only hook: PlotFontTests renders a plot in a child process with the machine's fonts hidden.
if (args is [PlotFontProbe.Command, ..]) return PlotFontProbe.Run(args[1..]);

Interrupt.Install();
// Before any tensor exists: libtorch's large CPU tensors then reuse heap memory instead of page-faulting fresh maps.
ResidualInr.Codec.Devices.ComputeDevice.KeepTensorMemoryOnTheHeap();
return RinrApp.Run(args);
