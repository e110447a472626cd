using System.Text;
using System.Text.Json;

namespace Pipeline;

/// <summary>
/// What a HAR recording hides unless asked not to: header values (an Authorization scheme, cookie names and Set-Cookie
/// attributes stay readable), cookie values, URL user information, and the secrets and tokens of OAuth 2.0 token requests.
/// </summary>
internal static class HarRedaction
{
    public const string Mask = "REDACTED";

    // RFC 6749 fields that carry a credential, in a token request's body and in its answer.
    private static readonly HashSet<string> SecretFormFields = new(StringComparer.Ordinal)
    {
        "client_secret", "client_assertion", "refresh_token", "password", "code", "code_verifier", "assertion", "subject_token", "actor_token",
    };

    private static readonly HashSet<string> SecretResponseFields = new(StringComparer.Ordinal)
    {
        "access_token", "refresh_token", "id_token", "issued_token",
    };

    public static bool Hides(HarRecordingOptions options, string headerName) => options.Redact && options.RedactedHeaders.Contains(headerName);

    public static string HeaderValue(HarRecordingOptions options, string name, string value)
    {
        if (!Hides(options, name))
        {
            return value;
        }

        if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            return CookiePairs(value);
        }

        if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
        {
            return SetCookie(value);
        }

        // "Bearer REDACTED", "Digest REDACTED": the scheme says what was sent without giving it away.
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return name.EndsWith("Authorization", StringComparison.OrdinalIgnoreCase) && space > 0 ? value[..space] + " " + Mask : Mask;
    }

    /// <summary>Replaces URL user information with <c>REDACTED</c>.</summary>
    public static string Url(HarRecordingOptions options, string url)
    {
        if (!options.Redact || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
        {
            return url;
        }

        var at = url.IndexOf('@', StringComparison.Ordinal);
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        return at < start ? url : string.Concat(url.AsSpan(0, start), Mask, url.AsSpan(at));
    }

    /// <summary>A token request's form body with its credential fields replaced; other fields stay as they were written.</summary>
    public static string TokenRequestForm(string form)
    {
        var builder = new StringBuilder(form.Length);
        foreach (var pair in form.Split('&'))
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            builder.Append(equals >= 0 && SecretFormFields.Contains(Uri.UnescapeDataString(name.Replace('+', ' '))) ? name + "=" + Mask : pair);
        }

        return builder.ToString();
    }

    /// <summary>A token response with its tokens replaced, or null when it is not a JSON object.</summary>
    public static byte[]? TokenResponseJson(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            using var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output))
            {
                writer.WriteStartObject();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (SecretResponseFields.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.String)
                    {
                        writer.WriteString(property.Name, Mask);
                    }
                    else
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            return output.ToArray();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string CookiePairs(string header)
    {
        var builder = new StringBuilder(header.Length);
        foreach (var pair in header.Split(';'))
        {
            if (builder.Length > 0)
            {
                builder.Append("; ");
            }

            var trimmed = pair.Trim();
            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            builder.Append(equals < 0 ? Mask : trimmed[..(equals + 1)] + Mask);
        }

        return builder.ToString();
    }

    private static string SetCookie(string header)
    {
        var semicolon = header.IndexOf(';', StringComparison.Ordinal);
        var pair = semicolon < 0 ? header : header[..semicolon];
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        var redacted = equals < 0 ? Mask : pair[..(equals + 1)] + Mask;
        return semicolon < 0 ? redacted : redacted + header[semicolon..];
    }
}
