using System.Net;

namespace Pipeline;

/// <summary>A stored cookie with the attributes <see cref="Cookie"/> has no place for.</summary>
internal sealed record CookieEntry(Cookie Cookie, string? SameSite)
{
    private int _refusalReported;

    public bool CanExpire => Cookie.Expired || Cookie.Expires != DateTime.MinValue;

    /// <summary>Gets the size the limits count: the name and the value, one byte per character (a header is ISO-8859-1).</summary>
    public int Size => Cookie.Name.Length + Cookie.Value.Length;

    public bool IsExpired(DateTime utcNow) =>
        Cookie.Expired || (Cookie.Expires != DateTime.MinValue && Cookie.Expires.ToUniversalTime() <= utcNow);

    public bool Matches(string name, string? domain, string? path) =>
        Cookie.Name == name
        && (domain is null || string.Equals(Cookie.Domain.TrimStart('.'), domain.TrimStart('.'), StringComparison.OrdinalIgnoreCase))
        && (path is null || Cookie.Path == path);

    /// <summary>
    /// Marks the cookie's refusal as reported, once: the same parsed Set-Cookie is offered to the session jar and to the
    /// response's own jar, and a refusal counts once.
    /// </summary>
    /// <returns><see langword="true"/> the first time.</returns>
    public bool MarkRefusalReported() => Interlocked.Exchange(ref _refusalReported, 1) == 0;
}
