using ResidualInr.Imaging;

namespace ResidualInr.Codec.Payloads;

/// <summary>A payload that cannot be decoded: truncated, corrupted, or of an unknown version.</summary>
public sealed class PayloadException(string? file, string reason) : InputException(file, null, reason);
