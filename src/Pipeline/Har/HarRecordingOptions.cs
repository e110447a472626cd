namespace Pipeline;

/// <summary>Settings of a HAR recording started with <see cref="Session.RecordHar(string, HarRecordingOptions)"/>.</summary>
public sealed class HarRecordingOptions
{
    /// <summary>Gets or sets the most bytes of each request and response body written to the file; the rest is left out and the entry says so.</summary>
    /// <value>The default value is 1 MiB (1,048,576 bytes).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxBodySize
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 1024 * 1024;

    /// <summary>
    /// Gets or sets a value indicating whether credentials are replaced by <c>REDACTED</c>: the values of the headers in
    /// <see cref="RedactedHeaders"/> (cookie names and attributes are kept), cookie values, URL user information, and the
    /// client secret, refresh token and issued tokens of OAuth 2.0 token requests.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Redact { get; set; } = true;

    /// <summary>Gets the headers whose values are redacted, compared ignoring case; add your own (an API key header) to it.</summary>
    /// <value>The default value holds <c>Authorization</c>, <c>Proxy-Authorization</c>, <c>Cookie</c> and <c>Set-Cookie</c>.</value>
    public ISet<string> RedactedHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
    };

    /// <summary>A copy, so changes after the recording started do not reach it.</summary>
    internal HarRecordingOptions Snapshot()
    {
        var copy = new HarRecordingOptions { MaxBodySize = MaxBodySize, Redact = Redact };
        copy.RedactedHeaders.Clear();
        foreach (var name in RedactedHeaders)
        {
            copy.RedactedHeaders.Add(name);
        }

        return copy;
    }
}
