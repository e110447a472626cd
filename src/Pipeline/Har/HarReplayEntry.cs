namespace Pipeline;

/// <summary>One recorded exchange as the replay handler serves it: what it matches on and what it answers.</summary>
internal sealed class HarReplayEntry
{
    public required int Index { get; init; }

    public required string Method { get; init; }

    /// <summary>Gets the recorded URL as written in the file.</summary>
    public required string Url { get; init; }

    /// <summary>Gets the URL compared with requests' (<see cref="HarMatchRules.NormalizeUrl"/>).</summary>
    public required string MatchUrl { get; init; }

    /// <summary>Gets the recorded request body, or null when none was recorded (any body then matches).</summary>
    public byte[]? RequestBody { get; init; }

    public string? RequestMimeType { get; init; }

    public bool RequestBodyTruncated { get; init; }

    public int Status { get; init; }

    public string? StatusText { get; init; }

    public string? HttpVersion { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; }

    public required byte[] ResponseBody { get; init; }

    /// <summary>Gets the recorded failure of an exchange that got no response (status 0), or null.</summary>
    public string? Error { get; init; }

    /// <summary>Gets or sets a value indicating whether this entry's answer was served already. Guarded by the handler's lock.</summary>
    public bool Used { get; set; }

    public string Describe() => Method + " " + Url;
}
