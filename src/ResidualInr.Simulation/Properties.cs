using System.Runtime.CompilerServices;

// The tests pin the aggregated broadcast path against the per-receiver one (FogSimulation.Run with perReceiver).
[assembly: InternalsVisibleTo("ResidualInr.Simulation.Tests")]
