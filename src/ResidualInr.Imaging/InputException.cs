namespace ResidualInr.Imaging;

/// <summary>
/// Bad input from a user: a missing or corrupt file, a malformed line, an impossible value.
/// The CLI prints <see cref="Exception.Message"/> as one line and exits with code 2, so the
/// message always starts with where the problem is (<c>file:line:</c> when a line is known).
/// </summary>
public class InputException : Exception
{
    public string? File { get; }
    public int? Line { get; }
    public string Reason { get; }

    public InputException(string? file, int? line, string reason, Exception? inner = null)
        : base(Format(file, line, reason), inner)
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    public InputException(string reason) : this(null, null, reason) { }

    private static string Format(string? file, int? line, string reason) => (file, line) switch
    {
        (null, _) => reason,
        (_, null) => $"{file}: {reason}",
        _ => $"{file}:{line}: {reason}",
    };
}
