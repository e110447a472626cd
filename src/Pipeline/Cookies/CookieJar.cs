using System.Collections;
using System.Collections.Immutable;
using System.Net;

namespace Pipeline;

/// <summary>
/// Stores cookies with requests' dictionary behaviour over RFC 6265 identity (name, domain, path).
/// </summary>
/// <remarks>
/// Safe for concurrent use: reads take a lock-free snapshot and writes replace it atomically.
/// A cookie set with no domain (<c>jar.Set("name", "value")</c>) has an empty domain, which requests sends to every host.
/// </remarks>
public sealed class CookieJar : IEnumerable<Cookie>
{
    private readonly Lock _writeLock = new();
    private ImmutableList<Cookie> _cookies = [];

    /// <summary>Gets the number of cookies.</summary>
    public int Count => Volatile.Read(ref _cookies).Count;

    /// <summary>Gets or sets the value of the only cookie with this name, whatever its domain and path.</summary>
    /// <param name="name">The cookie name.</param>
    /// <returns>The cookie value.</returns>
    /// <exception cref="KeyNotFoundException">No cookie has that name.</exception>
    /// <exception cref="CookieConflictException">Several cookies have that name (different domains or paths), as requests' <c>CookieConflictError</c>.</exception>
    public string this[string name]
    {
        get => Get(name) ?? throw new KeyNotFoundException($"No cookie named '{name}'.");
        set => Set(name, value);
    }

    /// <summary>Sets a cookie, replacing one of the same name, domain and path; a <see langword="null"/> value deletes it.</summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="value">
    /// The value, or <see langword="null"/> to delete every cookie of that name, narrowed by <paramref name="domain"/> and
    /// <paramref name="path"/> when they are given (requests' <c>remove_cookie_by_name</c>).
    /// </param>
    /// <param name="domain">The domain; <see langword="null"/> for every host, as requests' <c>create_cookie</c>.</param>
    /// <param name="path">The path; <c>/</c> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The name or value contains CR, LF or <c>;</c>, or the name is empty.</exception>
    public void Set(string name, string? value, string? domain = null, string? path = null)
    {
        CookieRules.ValidateNameAndValue(name, value);
        if (value is null)
        {
            // requests' set(name, None) passes the given domain and path on unchanged: None matches any.
            Remove(name, domain, path);
            return;
        }

        Add(new Cookie(name, value, path ?? "/", domain ?? string.Empty));
    }

    /// <summary>Adds a cookie, replacing one with the same name, domain and path.</summary>
    /// <param name="cookie">The cookie.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cookie"/> is <see langword="null"/>.</exception>
    public void Add(Cookie cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        CookieRules.ValidateNameAndValue(cookie.Name, cookie.Value);
        lock (_writeLock)
        {
            var list = _cookies;
            var index = list.FindIndex(c => CookieRules.SameIdentity(c, cookie));
            _cookies = index < 0 ? list.Add(cookie) : list.SetItem(index, cookie);
        }
    }

    /// <summary>Gets the value of a cookie by name, optionally narrowed by domain and path.</summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="domain">The domain to match exactly, or <see langword="null"/> for any.</param>
    /// <param name="path">The path to match exactly, or <see langword="null"/> for any.</param>
    /// <returns>The value, or <see langword="null"/> when no cookie matches.</returns>
    /// <exception cref="CookieConflictException">Several cookies match.</exception>
    public string? Get(string name, string? domain = null, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Cookie? found = null;
        foreach (var cookie in Volatile.Read(ref _cookies))
        {
            if (cookie.Name == name
                && (domain is null || string.Equals(cookie.Domain, domain, StringComparison.OrdinalIgnoreCase))
                && (path is null || cookie.Path == path))
            {
                if (found is not null)
                {
                    throw new CookieConflictException($"There are multiple cookies with name, '{name}'.");
                }

                found = cookie;
            }
        }

        return found?.Value;
    }

    /// <summary>Removes cookies by name, optionally narrowed by domain and path.</summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="domain">The domain to match exactly, or <see langword="null"/> for any.</param>
    /// <param name="path">The path to match exactly, or <see langword="null"/> for any.</param>
    /// <returns><see langword="true"/> when a cookie was removed.</returns>
    public bool Remove(string name, string? domain = null, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_writeLock)
        {
            var before = _cookies;
            _cookies = before.RemoveAll(c =>
                c.Name == name
                && (domain is null || string.Equals(c.Domain, domain, StringComparison.OrdinalIgnoreCase))
                && (path is null || c.Path == path));
            return _cookies.Count != before.Count;
        }
    }

    /// <summary>Removes every cookie.</summary>
    public void Clear()
    {
        lock (_writeLock)
        {
            _cookies = [];
        }
    }

    /// <inheritdoc/>
    public IEnumerator<Cookie> GetEnumerator() => Volatile.Read(ref _cookies).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the cookie names and domains; values are never shown.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        "CookieJar[" + string.Join(", ", this.Select(c => $"{c.Name}=*** for {(c.Domain.Length == 0 ? "*" : c.Domain)}{c.Path}")) + "]";
}
