using System.Globalization;

namespace Pipeline;

/// <summary>
/// Checks how a response's body is framed by Content-Length, as urllib3's <c>HTTPResponse._init_length</c> and
/// RFC 9112 section 6.3 do: several values must all be the same number, and a value that is not a number is an error
/// rather than a body read until the connection closes.
/// </summary>
internal static class ResponseFraming
{
    /// <summary>
    /// Throws <see cref="InvalidHeaderException"/> (and disposes the response, closing its connection) for Content-Length
    /// values that disagree or are not numbers; a list of equal values (<c>5, 5</c>) frames the body at that length.
    /// </summary>
    public static void Check(HttpResponseMessage response)
    {
        // Transfer-Encoding overrides Content-Length (RFC 9112 section 6.3, item 3).
        if (response.Headers.NonValidated.Contains("Transfer-Encoding")
            || !response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values))
        {
            return;
        }

        var items = values.SelectMany(v => v.Split(',')).Select(v => v.Trim()).ToList();
        foreach (var item in items)
        {
            // RFC 9110 section 8.6: Content-Length = 1*DIGIT, so no sign, no blank, no fraction.
            if (item.Length == 0 || item.AsSpan().ContainsAnyExceptInRange('0', '9')
                || !long.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                response.Dispose();
                throw new InvalidHeaderException($"Invalid Content-Length header: {string.Join(", ", values)}");
            }
        }

        var lengths = items.Select(i => long.Parse(i, NumberStyles.None, CultureInfo.InvariantCulture)).Distinct().ToList();
        if (lengths.Count > 1)
        {
            response.Dispose();
            throw new InvalidHeaderException($"Content-Length contained multiple unmatching values ({string.Join(", ", items)})");
        }

        if (response.Content.Headers.ContentLength is null)
        {
            // A single "5, 5" line is left unframed by the transport, which would read until the connection closes.
            response.Content = new FixedLengthContent(response.Content, lengths[0]);
        }
    }
}
