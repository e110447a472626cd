using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>RFC 9111 §4.3: the conditional request that validates a stored response, and the 304 that freshens it.</summary>
internal static class ValidationRules
{
    /// <summary>Whether the caller made the request conditional (or partial) itself; the cache then stays out of its way.</summary>
    public static bool IsCallerConditional(HttpRequestHeaders headers)
    {
        var all = headers.NonValidated;
        return all.Contains("If-None-Match") || all.Contains("If-Modified-Since") || all.Contains("If-Match")
            || all.Contains("If-Unmodified-Since") || all.Contains("If-Range") || all.Contains("Range");
    }

    /// <summary>§4.3.1: <c>If-None-Match</c> with the stored ETag and <c>If-Modified-Since</c> with its Last-Modified.</summary>
    public static void AddConditionals(HttpRequestHeaders headers, CacheEntry entry)
    {
        if (entry.Header("ETag") is { } etag)
        {
            headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (entry.Header("Last-Modified") is { } lastModified)
        {
            headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }
    }

    /// <summary>
    /// §4.3.4: whether a 304 selects the stored response. A strong ETag must equal the stored one; else a Last-Modified
    /// must; else a weak ETag must match weakly; a 304 with no validator selects the (one) stored response.
    /// </summary>
    public static bool Selects(CacheEntry stored, string? etag, string? lastModified)
    {
        var storedEtag = stored.Header("ETag");
        if (etag is not null && !IsWeak(etag))
        {
            return storedEtag is not null && !IsWeak(storedEtag) && storedEtag == etag;
        }

        if (lastModified is not null)
        {
            return stored.Header("Last-Modified") == lastModified;
        }

        if (etag is not null)
        {
            return storedEtag is not null && Opaque(storedEtag) == Opaque(etag);
        }

        return true;
    }

    /// <summary>
    /// §4.3.4 and §3.2: the stored response with the 304's header fields in place of its own (except those describing the
    /// stored body), received now.
    /// </summary>
    public static CacheEntry Freshen(CacheEntry stored, IReadOnlyList<KeyValuePair<string, string>> updates, DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        var replaced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _) in updates)
        {
            if (StorageRules.IsUpdatedBy304(name))
            {
                replaced.Add(name);
            }
        }

        var headers = new List<KeyValuePair<string, string>>(stored.Headers.Length + updates.Count);
        foreach (var header in stored.Headers)
        {
            if (!replaced.Contains(header.Key))
            {
                headers.Add(header);
            }
        }

        foreach (var header in updates)
        {
            if (replaced.Contains(header.Key))
            {
                headers.Add(header);
            }
        }

        return new CacheEntry
        {
            Status = stored.Status,
            Reason = stored.Reason,
            Decoded = stored.Decoded,
            Headers = [.. headers],
            Body = stored.Body,
            RequestTime = requestTime,
            ResponseTime = responseTime,
            VaryNames = stored.VaryNames,
            VaryValues = stored.VaryValues,
        };
    }

    private static bool IsWeak(string etag) => etag.StartsWith("W/", StringComparison.Ordinal);

    private static string Opaque(string etag) => IsWeak(etag) ? etag[2..] : etag;
}
