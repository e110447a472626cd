using System.Collections;
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
/// request waits for another. The snapshot indexes the cookies by domain, so choosing a request's cookies costs the
/// same whatever the jar holds for other domains.
/// </para>
/// <para>
/// Cookies from servers and from files are held to <see cref="Limits"/> (size, count per domain and per jar) and to
/// the Public Suffix List: no cookie is set for <c>co.uk</c> or <c>github.io</c> as a whole (RFC 6265 §5.3 step 5).
/// Cookies set with <see cref="Set"/> and <see cref="Add"/> are taken as given.
/// </para>
/// </remarks>
public sealed partial class CookieJar : IEnumerable<Cookie>
{
    // One reference, swapped whole by writers (copy-on-write); a reader takes it once and never waits.
    private CookieSnapshot _snapshot = CookieSnapshot.Empty;
    private CookieJarLimits _limits = CookieJarLimits.Default;

    /// <summary>Initializes a new, empty instance of the <see cref="CookieJar"/> class.</summary>
    public CookieJar()
    {
    }

    /// <summary>Gets or sets the limits on the cookies servers and files can store here and on the Cookie header sent.</summary>
    /// <value>The default value is <see cref="CookieJarLimits.Default"/>: 4096 bytes a cookie, 180 cookies a domain, 3000 in all, 150 cookies and 8190 bytes a Cookie header.</value>
    /// <remarks>New limits apply to the cookies stored and the headers built from then on; the jar is not trimmed at once.</remarks>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public CookieJarLimits Limits
    {
        get => Volatile.Read(ref _limits);
        set => Volatile.Write(ref _limits, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Gets the number of cookies, expired ones excluded.</summary>
    public int Count
    {
        get
        {
            var now = DateTime.UtcNow;
            var count = 0;
            foreach (var group in Snapshot.Groups)
            {
                foreach (var stored in group.Entries)
                {
                    count += stored.Entry.IsExpired(now) ? 0 : 1;
                }
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
    /// <exception cref="ArgumentException">The name is empty, starts with <c>$</c> or contains CR, LF, <c>;</c>, <c>=</c>, <c>,</c> or whitespace, the value contains CR, LF or <c>;</c>, or the domain is not a valid host name.</exception>
    public void Set(string name, string? value, string? domain = null, string? path = null)
    {
        CookieRules.ValidateNameAndValue(name, value);
        if (value is null)
        {
            // requests' set(name, None) passes domain=None and path=None on: every domain and path.
            Remove(name, domain, path);
            return;
        }

        Put(new CookieEntry(new Cookie(name, value, path ?? "/", Normalize(domain ?? string.Empty)), SameSite: null));
    }

    /// <summary>Adds a cookie, replacing one with the same name, domain and path.</summary>
    /// <param name="cookie">The cookie; an expired cookie removes the stored one instead.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cookie"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name or value contains CR, LF or <c>;</c>, or the domain is not a valid host name.</exception>
    public void Add(Cookie cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        CookieRules.ValidateNameAndValue(cookie.Name, cookie.Value);
        Put(new CookieEntry(Copy(cookie), SameSite: null));
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
        while (true)
        {
            var current = Snapshot;
            var builder = new CookieSnapshot.Builder(current);
            if (!builder.Remove(name, domain, path))
            {
                return false;
            }

            if (TrySwap(current, builder))
            {
                return true;
            }
        }
    }

    /// <summary>Removes every cookie.</summary>
    public void Clear()
    {
        while (true)
        {
            // The counters go on, so that the order of domains stays increasing across a clear.
            var current = Snapshot;
            if (TrySwap(current, new CookieSnapshot.Builder(current.NextRank, current.NextStamp)))
            {
                return;
            }
        }
    }

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

    /// <summary>
    /// Stores a cookie a server set (RFC 6265 §5.3): replaces the same identity, and an expired one deletes it. The
    /// jar's <see cref="Limits"/> apply: a cookie over the size limit is refused, and the oldest cookies of its domain,
    /// then of the jar, are evicted past the count limits.
    /// </summary>
    /// <returns>False when the cookie was refused.</returns>
    internal bool Store(CookieEntry entry)
    {
        var limits = Limits;
        if (entry.Size > limits.MaxCookieSize)
        {
            if (entry.MarkRefusalReported())
            {
                CookieRules.OnRefused(CookieRefusal.TooLarge, entry.Cookie.Domain);
            }

            return false;
        }

        var now = DateTime.UtcNow;
        while (true)
        {
            var current = Snapshot;
            var builder = new CookieSnapshot.Builder(current);
            if (builder.Put(entry, expiredDeletes: true, now))
            {
                builder.EnforceLimits(limits, entry.Cookie.Domain, now);
            }

            if (!builder.Changed || TrySwap(current, builder))
            {
                return true;
            }
        }
    }

    /// <summary>Replaces every cookie at once, as given: expired ones are kept, no limit applies.</summary>
    internal void ReplaceAll(IEnumerable<CookieEntry> entries)
    {
        var list = entries.ToList();
        while (true)
        {
            var current = Snapshot;
            var builder = new CookieSnapshot.Builder(current.NextRank, current.NextStamp);
            foreach (var entry in list)
            {
                builder.Put(entry, expiredDeletes: false, DateTime.UtcNow);
            }

            if (TrySwap(current, builder))
            {
                return;
            }
        }
    }

    /// <summary>Replaces every cookie with another jar's, sharing its immutable snapshot.</summary>
    internal void ReplaceAll(CookieSnapshot snapshot) => Volatile.Write(ref _snapshot, snapshot);

    /// <summary>
    /// Replaces every cookie with those of a file, held to the limits as a server's would be: a cookie over the size
    /// limit is skipped, and past the count limits the earlier ones of the file are dropped.
    /// </summary>
    /// <returns>The number of cookies skipped or dropped.</returns>
    internal int Load(IReadOnlyList<CookieEntry> entries)
    {
        var limits = Limits;
        var accepted = new List<CookieEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Size > limits.MaxCookieSize)
            {
                CookieRules.OnRefused(CookieRefusal.TooLarge, entry.Cookie.Domain);
            }
            else
            {
                accepted.Add(entry);
            }
        }

        while (true)
        {
            var current = Snapshot;
            var builder = new CookieSnapshot.Builder(current.NextRank, current.NextStamp);
            var now = DateTime.UtcNow;
            var evicted = 0;
            foreach (var entry in accepted)
            {
                if (builder.Put(entry, expiredDeletes: false, now))
                {
                    evicted += builder.EnforceLimits(limits, entry.Cookie.Domain, now);
                }
            }

            if (TrySwap(current, builder))
            {
                return entries.Count - accepted.Count + evicted;
            }
        }
    }

    internal CookieSnapshot Snapshot => Volatile.Read(ref _snapshot);

    private static string Normalize(string domain) =>
        CookieRules.NormalizeDomain(domain) ?? throw new ArgumentException($"The domain '{domain}' is not a valid host name.", nameof(domain));

    private static Cookie Copy(Cookie cookie) => new(cookie.Name, cookie.Value, string.IsNullOrEmpty(cookie.Path) ? "/" : cookie.Path, Normalize(cookie.Domain))
    {
        Secure = cookie.Secure,
        HttpOnly = cookie.HttpOnly,
        Expires = cookie.Expires,
        Expired = cookie.Expired,
    };

    // A cookie set by the user: no limit applies, an expired one deletes.
    private void Put(CookieEntry entry)
    {
        var now = DateTime.UtcNow;
        while (true)
        {
            var current = Snapshot;
            var builder = new CookieSnapshot.Builder(current);
            builder.Put(entry, expiredDeletes: true, now);
            if (!builder.Changed || TrySwap(current, builder))
            {
                return;
            }
        }
    }

    private bool TrySwap(CookieSnapshot current, CookieSnapshot.Builder builder) =>
        ReferenceEquals(Interlocked.CompareExchange(ref _snapshot, builder.ToSnapshot(), current), current);
}
