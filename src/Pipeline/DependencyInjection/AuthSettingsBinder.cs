using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Pipeline;

/// <summary>
/// Binds <see cref="SessionSettings.Auth"/> from an <c>Auth</c> section, e.g. <c>Sessions:api:Auth:Type</c> =
/// <c>OAuth2ClientCredentials</c> with <c>TokenUrl</c>, <c>ClientId</c>, <c>ClientSecret</c> and <c>Scope</c>. A message
/// about a value names its key path and never shows a secret.
/// </summary>
internal static class AuthSettingsBinder
{
    private const string Types = "Basic, Bearer, Digest, OAuth2ClientCredentials or OAuth2RefreshToken";

    public static void Bind(IConfiguration configuration, SessionSettings settings)
    {
        var section = configuration.GetSection("Auth");
        if (!section.GetChildren().Any())
        {
            return;
        }

        var type = section["Type"];
        if (string.IsNullOrWhiteSpace(type))
        {
            throw Missing(section, "Type", Types);
        }

        settings.Auth = type.Trim().ToUpperInvariant() switch
        {
            "BASIC" => new BasicAuth(Required(section, "User"), Required(section, "Password")),
            "DIGEST" => new DigestAuth(Required(section, "User"), Required(section, "Password")),
            "BEARER" => Create(section, "Token", () => new BearerAuth(Required(section, "Token"))),
            "OAUTH2CLIENTCREDENTIALS" => Create(section, "TokenUrl", () => new OAuth2ClientCredentialsAuth(
                Required(section, "TokenUrl"), Required(section, "ClientId"), Required(section, "ClientSecret"), section["Scope"])
            {
                ClientAuthentication = ReadClientAuthentication(section),
                ExpirySkew = ReadSkew(section),
                AdditionalParameters = ReadParameters(section),
            }),
            "OAUTH2REFRESHTOKEN" => Create(section, "TokenUrl", () => new OAuth2RefreshTokenAuth(
                Required(section, "TokenUrl"), Required(section, "ClientId"), Optional(section, "ClientSecret"), Required(section, "RefreshToken"), section["Scope"])
            {
                ClientAuthentication = ReadClientAuthentication(section),
                ExpirySkew = ReadSkew(section),
                AdditionalParameters = ReadParameters(section),
            }),
            _ => throw new InvalidOperationException($"Configuration value '{type}' at '{Path(section, "Type")}' is not valid: expected {Types}."),
        };
    }

    // The constructors check their arguments; a refused one is reported at its key, without the value when it is a secret.
    private static Auth Create(IConfigurationSection section, string key, Func<Auth> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException ex) when (ex is not ArgumentNullException)
        {
            var shown = key == "TokenUrl" ? $"'{Redaction.RedactUrl(section[key] ?? string.Empty)}' " : string.Empty;
            var reason = key == "TokenUrl" ? "an absolute http or https URL" : "a value without CR or LF";
            throw new InvalidOperationException($"Configuration value {shown}at '{Path(section, key)}' is not valid: expected {reason}.", ex);
        }
    }

    private static string Required(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value ? value : throw Missing(section, key, KeyHint(key));

    private static string? Optional(IConfigurationSection section, string key) => section[key] is { Length: > 0 } value ? value : null;

    private static OAuth2ClientAuthentication ReadClientAuthentication(IConfigurationSection section) =>
        section["ClientAuthentication"] switch
        {
            null or "" => OAuth2ClientAuthentication.ClientSecretBasic,
            var value when value.Equals("ClientSecretBasic", StringComparison.OrdinalIgnoreCase) || value.Equals("client_secret_basic", StringComparison.Ordinal)
                => OAuth2ClientAuthentication.ClientSecretBasic,
            var value when value.Equals("ClientSecretPost", StringComparison.OrdinalIgnoreCase) || value.Equals("client_secret_post", StringComparison.Ordinal)
                => OAuth2ClientAuthentication.ClientSecretPost,
            var value => throw new InvalidOperationException(
                $"Configuration value '{value}' at '{Path(section, "ClientAuthentication")}' is not valid: expected ClientSecretBasic or ClientSecretPost."),
        };

    // Seconds ("60") or a TimeSpan ("00:01:00").
    private static TimeSpan ReadSkew(IConfigurationSection section)
    {
        if (section["ExpirySkew"] is not { Length: > 0 } value)
        {
            return TimeSpan.FromSeconds(30);
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= TimeSpan.FromDays(1).TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
                ? span
                : throw new InvalidOperationException(
                    $"Configuration value '{value}' at '{Path(section, "ExpirySkew")}' is not valid: expected a non-negative number of seconds or a TimeSpan.");
    }

    private static Dictionary<string, string> ReadParameters(IConfigurationSection section)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in section.GetSection("Parameters").GetChildren())
        {
            if (parameter.Value is not null)
            {
                parameters[parameter.Key] = parameter.Value;
            }
        }

        return parameters;
    }

    private static string KeyHint(string key) => key switch
    {
        "TokenUrl" => "the token endpoint's URL",
        "ClientId" => "the client identifier",
        "ClientSecret" => "the client secret (keep it in user secrets or an environment variable)",
        "RefreshToken" => "the refresh token (keep it in user secrets or an environment variable)",
        "Password" => "the password (keep it in user secrets or an environment variable)",
        "Token" => "the token (keep it in user secrets or an environment variable)",
        _ => "a value",
    };

    private static InvalidOperationException Missing(IConfigurationSection section, string key, string expected) =>
        new($"Configuration value at '{Path(section, key)}' is missing: expected {expected}.");

    private static string Path(IConfigurationSection section, string key) => section.Path + ":" + key;
}
