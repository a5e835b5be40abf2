using ResidualInr.Codec.Siren;

namespace ResidualInr.Cli.Tests;

/// <summary>rinr meta-train: writes initialisations the encoder reads, for whole frames and for Residual-INR's O-INRs.</summary>
public class MetaTrainCommandTests
{
    [Fact]
    public void Meta_training_writes_an_initialisation_that_an_encode_starts_from()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-meta-").FullName;
        try
        {
            var inits = Path.Combine(dir, "inits");
            Directory.CreateDirectory(inits);
            var file = Path.Combine(inits, "siren-init-10x28.bin");
            var (exit, output, err) = CliRunner.Run("meta-train", "--shape", "rapid-inr", "--size", "32x18", "--frames", "20",
                "--outer-steps", "3", "--inner-steps", "2", "--batch", "4", "--out", file);
            Assert.True(exit == 0, err);
            Assert.Contains("wrote", output);
            var init = SirenInit.Read(file);
            Assert.Equal(SirenShape.RapidInr, init.Shape);
            Assert.StartsWith("rinr meta-train --shape rapid-inr", init.Provenance);

            var data = Path.Combine(dir, "data");
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", data, "--sequences", "1", "--frames", "2", "--size", "64x48").Exit);
            (exit, _, err) = CliRunner.Run("encode", "--codec", "rapid-inr", "--dataset", data, "--out", Path.Combine(dir, "enc"),
                "--size", "32x18", "--steps", "2", "--learned-init", inits);
            Assert.True(exit == 0, err);
            // Residual-INR needs its own shapes: the error names the file that is missing.
            (exit, _, err) = CliRunner.Run("encode", "--codec", "residual-inr", "--dataset", data, "--out", Path.Combine(dir, "enc2"),
                "--size", "32x18", "--steps", "2", "--learned-init", inits);
            Assert.Equal(2, exit);
            Assert.Contains("siren-init-10x24.bin", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Objects_mode_learns_every_object_shape_from_residuals()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-meta-").FullName;
        try
        {
            var (exit, output, err) = CliRunner.Run("meta-train", "--objects", "--size", "48x27", "--frames", "16", "--background-steps", "2",
                "--outer-steps", "2", "--inner-steps", "2", "--batch", "4", "--out", dir);
            Assert.True(exit == 0, err);
            var set = SirenInitSet.Load(dir);
            Assert.Equal(4, set.Shapes.Count);
            foreach (var shape in Codec.Codecs.ObjectInrGroups.Default.Shapes) Assert.True(set.Has(shape), shape.ToString());
            Assert.Contains("residuals of", output);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--shape 10x28 --objects", "either --shape")]
    [InlineData("", "either --shape")]
    [InlineData("--shape ten", "--shape 'ten'")]
    [InlineData("--shape 10x28 --outer-steps 0", "--outer-steps must be")]
    [InlineData("--shape 10x28 --outer-lr 2", "--outer-lr must be")]
    [InlineData("--shape 10x28 --learned-init default", "--learned-init goes with --objects")]
    public void Bad_options_are_one_line_input_errors(string args, string message)
    {
        var (exit, _, err) = CliRunner.Run(["meta-train", .. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--out", Path.Combine(Path.GetTempPath(), "rinr-never-written.bin")]);
        Assert.Equal(2, exit);
        Assert.Contains(message, err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
