using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Pipeline;

public sealed partial class CookieJar
{
    private const string HttpOnlyPrefix = "#HttpOnly_";

    // The range DateTimeOffset.FromUnixTimeSeconds accepts (years 0001 to 9999).
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Writes the jar's cookies to a file, session-only cookies included.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="format">The file format.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public async Task SaveAsync(string path, CookieFileFormat format = CookieFileFormat.Json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await SaveAsync(stream, format, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the jar's cookies to a stream.</summary>
    /// <param name="stream">The stream; it stays open.</param>
    /// <param name="format">The file format.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>A task that completes when the cookies are written.</returns>
    public async Task SaveAsync(Stream stream, CookieFileFormat format = CookieFileFormat.Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var now = DateTime.UtcNow;
        var entries = Snapshot.Where(e => !e.IsExpired(now)).ToList();
        var text = format == CookieFileFormat.Json ? WriteJson(entries) : WriteNetscape(entries);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the jar's cookies with those of a file, checked as a server's Set-Cookie would be; on any error the jar
    /// is left unchanged.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="format">The file format.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>How many cookies were loaded, and how many were skipped (<see cref="CookieLoadResult.Skipped"/>).</returns>
    /// <remarks>
    /// A cookie for a public suffix (<c>.com</c>, <c>co.uk</c>, <c>github.io</c>: RFC 6265 §5.3 step 5) or larger than
    /// <see cref="CookieJarLimits.MaxCookieSize"/> is skipped and counted, never loaded, and past the jar's count limits
    /// the earlier cookies of the file are dropped. A cookie with an empty domain keeps its meaning: it is sent to every
    /// host.
    /// </remarks>
    /// <exception cref="InvalidDataException">The file is not a valid cookie file; the message names the line or element.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public async Task<CookieLoadResult> LoadAsync(string path, CookieFileFormat format = CookieFileFormat.Json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await LoadAsync(stream, format, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"'{path}' is not a valid {format} cookie file: {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// Replaces the jar's cookies with those read from a stream, checked as a server's Set-Cookie would be; on any error
    /// the jar is left unchanged.
    /// </summary>
    /// <param name="stream">The stream; it stays open.</param>
    /// <param name="format">The file format.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>How many cookies were loaded, and how many were skipped (<see cref="CookieLoadResult.Skipped"/>).</returns>
    /// <remarks>The same checks as <see cref="LoadAsync(string, CookieFileFormat, CancellationToken)"/>.</remarks>
    /// <exception cref="InvalidDataException">The content is not a valid cookie file.</exception>
    public async Task<CookieLoadResult> LoadAsync(Stream stream, CookieFileFormat format = CookieFileFormat.Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var entries = format == CookieFileFormat.Json ? ReadJson(text) : ReadNetscape(text);
        var publicSuffixes = entries.RemoveAll(IsForPublicSuffix);
        var dropped = Load(entries);
        return new CookieLoadResult(Snapshot.Length, publicSuffixes + dropped);
    }

    /// <summary>
    /// Tells whether a cookie of a file is for a public suffix, which no server could have set (RFC 6265 §5.3 step 5):
    /// a domain cookie for one (<c>.com</c>, <c>.co.uk</c>), or a host-only cookie for a suffix the list names
    /// (<c>co.uk</c>). A single label the list does not name stays loadable as a host (<c>localhost</c>), and so does
    /// an IP address and the empty domain of a cookie for every host.
    /// </summary>
    private static bool IsForPublicSuffix(CookieEntry entry)
    {
        var domain = entry.Cookie.Domain;
        if (domain.Length == 0)
        {
            return false;
        }

        var name = domain[0] == '.' ? domain[1..] : domain;
        if (IPAddress.TryParse(name, out _) || name.StartsWith('['))
        {
            return false;
        }

        var refused = domain[0] == '.' ? PublicSuffixList.IsPublicSuffix(name) : PublicSuffixList.IsListedPublicSuffix(name);
        if (refused)
        {
            CookieRules.OnRefused(CookieRefusal.PublicSuffix, domain);
        }

        return refused;
    }

    private static string WriteJson(List<CookieEntry> entries)
    {
        var records = entries.Select(e => new CookieRecord(
            e.Cookie.Name,
            e.Cookie.Value,
            e.Cookie.Domain,
            e.Cookie.Path,
            e.Cookie.Expires == DateTime.MinValue ? null : new DateTimeOffset(e.Cookie.Expires.ToUniversalTime()),
            e.Cookie.Secure,
            e.Cookie.HttpOnly,
            e.SameSite));
        return JsonSerializer.Serialize(records, CookieJsonContext.Default.IEnumerableCookieRecord);
    }

    private static List<CookieEntry> ReadJson(string text)
    {
        List<CookieRecord>? records;
        try
        {
            records = JsonSerializer.Deserialize(text, CookieJsonContext.Default.ListCookieRecord);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"invalid JSON at line {ex.LineNumber + 1}: {ex.Message}", ex);
        }

        if (records is null)
        {
            throw new InvalidDataException("expected a JSON array of cookies.");
        }

        var entries = new List<CookieEntry>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record is null || string.IsNullOrEmpty(record.Name) || record.Value is null)
            {
                throw new InvalidDataException($"cookie #{i + 1} has no name or no value.");
            }

            entries.Add(CreateEntry(record.Name, record.Value, record.Domain ?? string.Empty, record.Path ?? "/", record.Expires?.UtcDateTime, record.Secure, record.HttpOnly, record.SameSite, $"cookie #{i + 1}"));
        }

        return entries;
    }

    private static string WriteNetscape(List<CookieEntry> entries)
    {
        var builder = new StringBuilder("# Netscape HTTP Cookie File\n# Written by Pipeline.\n\n");
        foreach (var entry in entries)
        {
            var cookie = entry.Cookie;
            var includeSubdomains = cookie.Domain.StartsWith('.');
            var expires = cookie.Expires == DateTime.MinValue ? 0 : new DateTimeOffset(cookie.Expires.ToUniversalTime()).ToUnixTimeSeconds();
            builder.Append(cookie.HttpOnly ? HttpOnlyPrefix : string.Empty)
                .Append(cookie.Domain).Append('\t')
                .Append(includeSubdomains ? "TRUE" : "FALSE").Append('\t')
                .Append(cookie.Path).Append('\t')
                .Append(cookie.Secure ? "TRUE" : "FALSE").Append('\t')
                .Append(expires.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(cookie.Name).Append('\t')
                .Append(cookie.Value).Append('\n');
        }

        return builder.ToString();
    }

    private static List<CookieEntry> ReadNetscape(string text)
    {
        var entries = new List<CookieEntry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var httpOnly = line.StartsWith(HttpOnlyPrefix, StringComparison.Ordinal);
            if (httpOnly)
            {
                line = line[HttpOnlyPrefix.Length..];
            }
            else if (line.Length == 0 || line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 7)
            {
                throw new InvalidDataException($"line {i + 1}: expected 7 tab-separated fields, found {fields.Length}.");
            }

            if (!long.TryParse(fields[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var expires)
                || expires < MinUnixSeconds || expires > MaxUnixSeconds)
            {
                throw new InvalidDataException($"line {i + 1}: the expiry '{fields[4]}' is not a Unix time.");
            }

            var includeSubdomains = ParseFlag(fields[1], i);
            var domain = fields[0].ToLowerInvariant();
            if (includeSubdomains && domain.Length > 0 && !domain.StartsWith('.'))
            {
                domain = "." + domain;
            }
            else if (!includeSubdomains)
            {
                domain = domain.TrimStart('.');
            }

            DateTime? expiry = expires == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(expires).UtcDateTime;
            entries.Add(CreateEntry(fields[5], fields[6], domain, fields[2], expiry, ParseFlag(fields[3], i), httpOnly, null, $"line {i + 1}"));
        }

        return entries;
    }

    private static bool ParseFlag(string value, int lineIndex) => value.ToUpperInvariant() switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => throw new InvalidDataException($"line {lineIndex + 1}: expected TRUE or FALSE, found '{value}'."),
    };

    private static CookieEntry CreateEntry(string name, string value, string domain, string path, DateTime? expires, bool secure, bool httpOnly, string? sameSite, string where)
    {
        // A file holds what servers set, so a name is checked as Set-Cookie's is (an inner space is allowed).
        if (!CookieRules.IsValidServerName(name))
        {
            throw new InvalidDataException($"{where}: invalid cookie name '{name.ReplaceLineEndings("\\n")}': CR, LF, tab, ';', '=', ',', a leading '$', surrounding whitespace and characters beyond ISO-8859-1 are not allowed.");
        }

        try
        {
            CookieRules.ValidateValue(name, value);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{where}: {ex.Message}", ex);
        }

        domain = CookieRules.NormalizeDomain(domain) ?? throw new InvalidDataException($"{where}: the domain '{domain}' is not a valid host name.");
        var cookie = new Cookie(name, value, string.IsNullOrEmpty(path) ? "/" : path, domain) { Secure = secure, HttpOnly = httpOnly };
        if (expires is { } at)
        {
            cookie.Expires = at;
        }

        return new CookieEntry(cookie, sameSite);
    }
}

/// <summary>The JSON form of one cookie.</summary>
internal sealed record CookieRecord(
    string Name,
    string Value,
    string? Domain,
    string? Path,
    DateTimeOffset? Expires,
    bool Secure,
    bool HttpOnly,
    string? SameSite);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(IEnumerable<CookieRecord>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<CookieRecord>))]
internal sealed partial class CookieJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
