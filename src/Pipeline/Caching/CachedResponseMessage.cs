namespace Pipeline;

/// <summary>
/// A response served from an <see cref="HttpCache"/>'s storage (fresh, stale, or revalidated by a 304): the type marks it,
/// so <see cref="Response.FromCache"/> is true and the CookieStage does not replay its Set-Cookie into the jar.
/// </summary>
internal sealed class CachedResponseMessage : HttpResponseMessage
{
    /// <summary>Builds the response of a stored entry for <paramref name="request"/>, with its current Age (RFC 9111 §5.1).</summary>
    public static CachedResponseMessage Create(CacheEntry entry, HttpRequestMessage request, TimeSpan age)
    {
        var message = new CachedResponseMessage
        {
            StatusCode = (System.Net.HttpStatusCode)entry.Status,
            ReasonPhrase = entry.Reason,
            RequestMessage = request,
        };
        HttpContent content = new ByteArrayContent(entry.Body);
        foreach (var (name, value) in entry.Headers)
        {
            if (name.Equals("Age", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation("Age", ((long)Math.Min(age.TotalSeconds, 2147483648)).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Decoded again as the transport decoded it when the response arrived.
        if (entry.Decoded && DecodingContent.Decodable(content) is { } encodings)
        {
            content = new DecodingContent(content, encodings);
        }

        message.Content = content;
        return message;
    }
}
