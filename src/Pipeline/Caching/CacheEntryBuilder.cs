namespace Pipeline;

/// <summary>Turns a response into what the cache stores (RFC 9111 §3.1): its header fields less the hop-by-hop ones.</summary>
internal static class CacheEntryBuilder
{
    /// <summary>The header fields of a response (and its content) that are stored, one per field line.</summary>
    /// <param name="response">The response.</param>
    /// <param name="shared">A shared cache keeps no Set-Cookie: one user's cookie is never shown to another.</param>
    public static List<KeyValuePair<string, string>> StoredHeaders(HttpResponseMessage response, bool shared)
    {
        HashSet<string>? connectionListed = null;
        if (response.Headers.NonValidated.TryGetValues("Connection", out var connection))
        {
            connectionListed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var value in connection)
            {
                foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    connectionListed.Add(name);
                }
            }
        }

        var headers = new List<KeyValuePair<string, string>>();
        Add(headers, response.Headers, connectionListed, shared);
        Add(headers, response.Content.Headers, connectionListed, shared);
        return headers;
    }

    /// <summary>An entry of the response, with the request header values its Vary selects.</summary>
    public static CacheEntry Create(HttpResponseMessage response, HttpRequestMessage request, bool shared, DateTimeOffset requestTime, DateTimeOffset responseTime, byte[] body)
    {
        var headers = StoredHeaders(response, shared);
        var vary = new List<string>();
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Vary", StringComparison.OrdinalIgnoreCase))
            {
                vary.Add(value);
            }
        }

        var varyNames = CacheKeyRules.VaryNames(vary);
        return new CacheEntry
        {
            Status = (int)response.StatusCode,
            Reason = response.ReasonPhrase,
            Decoded = response.Content is DecodingContent,
            Headers = [.. headers],
            Body = body,
            RequestTime = requestTime,
            ResponseTime = responseTime,
            VaryNames = varyNames,
            VaryValues = CacheKeyRules.SelectValues(varyNames, request),
        };
    }

    /// <summary>The same entry with its body.</summary>
    public static CacheEntry WithBody(CacheEntry entry, byte[] body) => new()
    {
        Status = entry.Status,
        Reason = entry.Reason,
        Decoded = entry.Decoded,
        Headers = entry.Headers,
        Body = body,
        RequestTime = entry.RequestTime,
        ResponseTime = entry.ResponseTime,
        VaryNames = entry.VaryNames,
        VaryValues = entry.VaryValues,
    };

    private static void Add(List<KeyValuePair<string, string>> target, System.Net.Http.Headers.HttpHeaders source, HashSet<string>? connectionListed, bool shared)
    {
        foreach (var header in source.NonValidated)
        {
            if (!StorageRules.IsStoredHeader(header.Key, connectionListed)
                || (shared && header.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                target.Add(new(header.Key, value));
            }
        }
    }
}
