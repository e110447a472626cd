namespace Pipeline;

/// <summary>
/// One stored response (RFC 9111 §3): status, header fields as received, the body as received (still compressed), when
/// it was requested and received (for its age, §4.2.3), and the request header values its <c>Vary</c> selected (§4.1).
/// </summary>
internal sealed class CacheEntry
{
    private CacheDirectives? _directives;

    public required int Status { get; init; }

    public string? Reason { get; init; }

    /// <summary>Gets a value indicating whether the transport decoded the body (gzip, deflate, br); a hit decodes it the same way.</summary>
    public bool Decoded { get; init; }

    /// <summary>Gets the response and content header fields, one per field line, in the order received.</summary>
    public required KeyValuePair<string, string>[] Headers { get; init; }

    public required byte[] Body { get; init; }

    public required DateTimeOffset RequestTime { get; init; }

    public required DateTimeOffset ResponseTime { get; init; }

    /// <summary>Gets the names of the request header fields the response's Vary lists, lower case.</summary>
    public required string[] VaryNames { get; init; }

    /// <summary>Gets the values those fields had in the request that obtained the response, or null when absent.</summary>
    public required string?[] VaryValues { get; init; }

    public CacheDirectives Directives => _directives ??= CacheControlRules.Parse(Values("Cache-Control"));

    /// <summary>Gets the bytes the entry takes in a store, near enough for the size limits.</summary>
    public long Size
    {
        get
        {
            long size = Body.Length + 64;
            foreach (var (name, value) in Headers)
            {
                size += name.Length + value.Length + 4;
            }

            return size;
        }
    }

    public bool HasValidator => Header("ETag") is not null || Header("Last-Modified") is not null;

    /// <summary>Every value of a header field, in order.</summary>
    public List<string> Values(string name)
    {
        var values = new List<string>(1);
        foreach (var (key, value) in Headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(value);
            }
        }

        return values;
    }

    /// <summary>A header field's value, several field lines joined with <c>", "</c>, or null.</summary>
    public string? Header(string name)
    {
        var values = Values(name);
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => string.Join(", ", values),
        };
    }
}
