using System.Collections;
using System.Collections.Immutable;
using System.Net;

namespace Pipeline;

/// <summary>
/// Stores cookies with RFC 6265 matching and requests' dictionary behaviour (requests' <c>RequestsCookieJar</c>).
/// </summary>
/// <remarks>
/// <para>
/// A cookie's <see cref="Cookie.Domain"/> tells how it matches: <c>".example.com"</c> is a domain cookie (the host and
/// its subdomains), <c>"example.com"</c> is host-only (that host alone), and an empty domain, what
/// <c>jar.Set("name", "value")</c> creates, is sent to every host, as requests does.
/// </para>
/// <para>
/// Safe for concurrent use by many requests: reads take a lock-free snapshot and writes swap it atomically, so no
/// request waits for another.
/// </para>
/// </remarks>
public sealed partial class CookieJar : IEnumerable<Cookie>
{
    // An array, not an ImmutableList: the Cookie header is built from it on every request, and an array enumerates
    // without the list's pooled enumerator stack. Writes copy it; a jar holds tens of cookies, not thousands.
    private ImmutableArray<CookieEntry> _entries = [];

    /// <summary>Initializes a new, empty instance of the <see cref="CookieJar"/> class.</summary>
    public CookieJar()
    {
    }

    /// <summary>Gets the number of cookies, expired ones excluded.</summary>
    public int Count
    {
        get
        {
            var now = DateTime.UtcNow;
            var count = 0;
            foreach (var entry in Snapshot)
            {
                count += entry.IsExpired(now) ? 0 : 1;
            }

            return count;
        }
    }

    /// <summary>Gets or sets the value of the only cookie with this name, whatever its domain and path.</summary>
    /// <param name="name">The cookie name.</param>
    /// <returns>The cookie value.</returns>
    /// <exception cref="KeyNotFoundException">No cookie has that name.</exception>
    /// <exception cref="CookieConflictException">Several cookies have that name (different domains or paths), as requests' <c>CookieConflictError</c>.</exception>
    /// <exception cref="ArgumentException">The name or value contains CR, LF or <c>;</c>.</exception>
    public string this[string name]
    {
        get => Get(name) ?? throw new KeyNotFoundException($"name='{name}', domain=None, path=None");
        set => Set(name, value);
    }

    /// <summary>
    /// Sets a cookie, replacing one of the same name, domain and path; a <see langword="null"/> value deletes the cookies
    /// of that name, narrowed by <paramref name="domain"/> and <paramref name="path"/> when given (requests' <c>remove_cookie_by_name</c>).
    /// </summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="value">The value, or <see langword="null"/> to delete.</param>
    /// <param name="domain">The domain: <see langword="null"/> for every host (requests' <c>create_cookie</c>), <c>".example.com"</c> for a domain and its subdomains, <c>"example.com"</c> for that host only. When deleting, <see langword="null"/> means any domain.</param>
    /// <param name="path">The path; <c>/</c> when <see langword="null"/>. When deleting, <see langword="null"/> means any path.</param>
    /// <exception cref="ArgumentException">The name is empty, starts with <c>$</c> or contains CR, LF, <c>;</c>, <c>=</c>, <c>,</c> or whitespace, or the value contains CR, LF or <c>;</c>.</exception>
    public void Set(string name, string? value, string? domain = null, string? path = null)
    {
        CookieRules.ValidateNameAndValue(name, value);
        if (value is null)
        {
            // requests' set(name, None) passes domain=None and path=None on: every domain and path.
            Remove(name, domain, path);
            return;
        }

        Store(new CookieEntry(new Cookie(name, value, path ?? "/", (domain ?? string.Empty).ToLowerInvariant()), SameSite: null));
    }

    /// <summary>Adds a cookie, replacing one with the same name, domain and path.</summary>
    /// <param name="cookie">The cookie; an expired cookie removes the stored one instead.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cookie"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name or value contains CR, LF or <c>;</c>.</exception>
    public void Add(Cookie cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        CookieRules.ValidateNameAndValue(cookie.Name, cookie.Value);
        Store(new CookieEntry(Copy(cookie), SameSite: null));
    }

    /// <summary>Gets the value of a cookie by name, optionally narrowed by domain and path (requests' <c>jar.get</c>).</summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="domain">The domain to match exactly (a leading dot is ignored), or <see langword="null"/> for any.</param>
    /// <param name="path">The path to match exactly, or <see langword="null"/> for any.</param>
    /// <returns>The value, or <see langword="null"/> when no cookie matches.</returns>
    /// <exception cref="CookieConflictException">Several cookies match.</exception>
    public string? Get(string name, string? domain = null, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var now = DateTime.UtcNow;
        Cookie? found = null;
        foreach (var entry in Snapshot)
        {
            if (!entry.IsExpired(now) && entry.Matches(name, domain, path))
            {
                if (found is not null)
                {
                    throw new CookieConflictException($"There are multiple cookies with name, '{name}'");
                }

                found = entry.Cookie;
            }
        }

        return found?.Value;
    }

    /// <summary>Gets the SameSite attribute a server set on a stored cookie.</summary>
    /// <param name="cookie">A cookie enumerated from this jar.</param>
    /// <returns><c>Strict</c>, <c>Lax</c>, <c>None</c>, or <see langword="null"/> when the server set none.</returns>
    public string? GetSameSite(Cookie cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        foreach (var entry in Snapshot)
        {
            if (ReferenceEquals(entry.Cookie, cookie) || CookieRules.SameIdentity(entry.Cookie, cookie))
            {
                return entry.SameSite;
            }
        }

        return null;
    }

    /// <summary>Removes cookies by name, optionally narrowed by domain and path.</summary>
    /// <param name="name">The cookie name.</param>
    /// <param name="domain">The domain to match exactly (a leading dot is ignored), or <see langword="null"/> for any.</param>
    /// <param name="path">The path to match exactly, or <see langword="null"/> for any.</param>
    /// <returns><see langword="true"/> when a cookie was removed.</returns>
    public bool Remove(string name, string? domain = null, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var removed = false;
        ImmutableInterlocked.Update(ref _entries, list =>
        {
            var next = list.RemoveAll(e => e.Matches(name, domain, path));
            removed = next.Length != list.Length;
            return next;
        });
        return removed;
    }

    /// <summary>Removes every cookie.</summary>
    public void Clear() => ImmutableInterlocked.InterlockedExchange(ref _entries, []);

    /// <inheritdoc/>
    public IEnumerator<Cookie> GetEnumerator()
    {
        var now = DateTime.UtcNow;
        foreach (var entry in Snapshot)
        {
            if (!entry.IsExpired(now))
            {
                yield return entry.Cookie;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the cookie names and where they apply; values are never shown.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        "<CookieJar[" + string.Join(", ", this.Select(c => $"<Cookie {c.Name}=*** for {(c.Domain.Length == 0 ? "*" : c.Domain)}{c.Path}>")) + "]>";

    /// <summary>Stores a cookie a server set (RFC 6265 §5.3): replaces the same identity, and an expired one deletes it.</summary>
    internal void Store(CookieEntry entry)
    {
        var expired = entry.IsExpired(DateTime.UtcNow);
        ImmutableInterlocked.Update(ref _entries, list =>
        {
            var index = IndexOfIdentity(list, entry.Cookie);
            if (expired)
            {
                return index < 0 ? list : list.RemoveAt(index);
            }

            return index < 0 ? list.Add(entry) : list.SetItem(index, entry);
        });
    }

    /// <summary>Replaces every cookie at once (a load from a file).</summary>
    internal void ReplaceAll(IEnumerable<CookieEntry> entries) => ImmutableInterlocked.InterlockedExchange(ref _entries, [.. entries]);

    // One reference wide, so a read is atomic; writers swap it with ImmutableInterlocked.
    internal ImmutableArray<CookieEntry> Snapshot => _entries;

    private static int IndexOfIdentity(ImmutableArray<CookieEntry> entries, Cookie cookie)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            if (CookieRules.SameIdentity(entries[i].Cookie, cookie))
            {
                return i;
            }
        }

        return -1;
    }

    private static Cookie Copy(Cookie cookie) => new(cookie.Name, cookie.Value, string.IsNullOrEmpty(cookie.Path) ? "/" : cookie.Path, cookie.Domain.ToLowerInvariant())
    {
        Secure = cookie.Secure,
        HttpOnly = cookie.HttpOnly,
        Expires = cookie.Expires,
        Expired = cookie.Expired,
    };
}

/// <summary>A stored cookie with the attributes <see cref="Cookie"/> has no place for.</summary>
internal sealed record CookieEntry(Cookie Cookie, string? SameSite)
{
    public bool CanExpire => Cookie.Expired || Cookie.Expires != DateTime.MinValue;

    public bool IsExpired(DateTime utcNow) =>
        Cookie.Expired || (Cookie.Expires != DateTime.MinValue && Cookie.Expires.ToUniversalTime() <= utcNow);

    public bool Matches(string name, string? domain, string? path) =>
        Cookie.Name == name
        && (domain is null || string.Equals(Cookie.Domain.TrimStart('.'), domain.TrimStart('.'), StringComparison.OrdinalIgnoreCase))
        && (path is null || Cookie.Path == path);
}
