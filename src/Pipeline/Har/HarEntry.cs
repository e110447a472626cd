namespace Pipeline;

/// <summary>What a HAR entry is written from: a snapshot of one <see cref="HarExchange"/>, not yet redacted.</summary>
internal sealed class HarEntry
{
    public required DateTimeOffset StartedAt { get; init; }

    public required string Method { get; init; }

    public required string Url { get; init; }

    public required Version RequestVersion { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; init; }

    /// <summary>Gets the captured request body, or null when the request had none.</summary>
    public byte[]? RequestBody { get; init; }

    public long RequestBodySize { get; init; }

    public bool RequestBodyTruncated { get; init; }

    public bool IsTokenRequest { get; init; }

    /// <summary>Gets a value indicating whether a response head arrived (false: the request failed on the wire).</summary>
    public bool HasResponse { get; init; }

    public int Status { get; init; }

    public required string Reason { get; init; }

    public Version? ResponseVersion { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; init; }

    /// <summary>Gets the captured response body as it came off the wire (still encoded when <see cref="Encodings"/> is set).</summary>
    public required byte[] ResponseBody { get; init; }

    public long ResponseBodySize { get; init; }

    public bool ResponseBodyTruncated { get; init; }

    public bool ResponseBodyComplete { get; init; }

    public string[]? Encodings { get; init; }

    public string? Error { get; init; }

    public TimeSpan Wait { get; init; }

    public TimeSpan Receive { get; init; }
}
