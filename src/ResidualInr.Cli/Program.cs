using ResidualInr.Cli;
using ResidualInr.Cli.Plots;

// Test-only hook: PlotFontTests renders a plot in a child process with the machine's fonts hidden.
if (args is [PlotFontProbe.Command, ..]) return PlotFontProbe.Run(args[1..]);

Interrupt.Install();
return RinrApp.Run(args);
