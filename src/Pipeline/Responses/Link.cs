namespace Pipeline;

/// <summary>Represents one entry of a response's <c>Link</c> header (RFC 8288), as requests' <c>response.links</c>.</summary>
public sealed class Link
{
    internal Link(string url, IReadOnlyDictionary<string, string> parameters)
    {
        Url = url;
        Parameters = parameters;
    }

    /// <summary>Gets the target URL, as written in the header.</summary>
    public string Url { get; }

    /// <summary>Gets the <c>rel</c> parameter, or <see langword="null"/>.</summary>
    public string? Rel => Parameters.TryGetValue("rel", out var rel) ? rel : null;

    /// <summary>Gets every parameter of the link (<c>rel</c>, <c>type</c>, …), keys lower-cased.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Returns the link as <c>&lt;url&gt;; rel="…"</c>.</summary>
    /// <returns>The link.</returns>
    public override string ToString() => $"<{Url}>" + string.Concat(Parameters.Select(p => $"; {p.Key}=\"{p.Value}\""));
}
