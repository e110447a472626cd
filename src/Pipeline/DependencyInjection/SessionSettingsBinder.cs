using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Pipeline;

/// <summary>
/// Binds <see cref="SessionSettings"/> from configuration, e.g. <c>Sessions:github:Headers:Accept</c>. Written by hand
/// because Verify, Cert and Timeout accept several shapes (<c>true</c>, <c>false</c> or a path; a path or a section).
/// </summary>
internal static class SessionSettingsBinder
{
    public static void Bind(IConfiguration configuration, SessionSettings settings)
    {
        if (configuration["BaseAddress"] is { Length: > 0 } baseAddress)
        {
            settings.BaseAddress = HasExplicitScheme(baseAddress) && Uri.TryCreate(baseAddress, UriKind.Absolute, out var uri)
                ? uri
                : throw Invalid(configuration, "BaseAddress", HideUserInfo(baseAddress), "an absolute URI such as https://api.example.com/");
        }

        foreach (var header in configuration.GetSection("Headers").GetChildren())
        {
            BindHeader(configuration, settings, header.Key, header.Value);
        }

        foreach (var parameter in configuration.GetSection("Params").GetChildren())
        {
            var values = parameter.GetChildren().ToList();
            if (values.Count == 0)
            {
                settings.Params[parameter.Key] = parameter.Value;
            }
            else
            {
                settings.Params.Remove(parameter.Key);
                foreach (var value in values)
                {
                    settings.Params.Add(parameter.Key, value.Value);
                }
            }
        }

        // requests' keys "http://host" and "all://host" contain ':', the configuration path separator, so a key
        // arrives split into nested sections; the path relative to "Proxies" puts it back together.
        foreach (var (key, value) in configuration.GetSection("Proxies").AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                settings.Proxies[key] = value;
            }
        }

        if (configuration["Verify"] is { Length: > 0 } verify)
        {
            settings.Verify = bool.TryParse(verify, out var flag) ? flag : Verify.FromCaBundle(verify);
        }

        BindCert(configuration, settings);
        BindTimeout(configuration, settings);

        if (configuration["MaxRedirects"] is { Length: > 0 } maxRedirects)
        {
            settings.MaxRedirects = int.TryParse(maxRedirects, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) && max >= 0
                ? max
                : throw Invalid(configuration, "MaxRedirects", maxRedirects, "a non-negative integer");
        }

        if (configuration["MaxResponseContentLength"] is { Length: > 0 } maxLength)
        {
            settings.MaxResponseContentLength = long.TryParse(maxLength, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                ? bytes
                : throw Invalid(configuration, "MaxResponseContentLength", maxLength, "a non-negative number of bytes");
        }

        if (configuration["Version"] is { Length: > 0 } version)
        {
            settings.Version = HttpVersionRules.Parse(version) ?? throw Invalid(configuration, "Version", version, HttpVersionRules.Allowed);
        }

        if (configuration["VersionPolicy"] is { Length: > 0 } policy)
        {
            settings.VersionPolicy = HttpVersionRules.ParsePolicy(policy)
                ?? throw Invalid(configuration, "VersionPolicy", policy, "RequestVersionOrLower, RequestVersionOrHigher or RequestVersionExact");
        }

        settings.TrustEnv = ReadBool(configuration, "TrustEnv") ?? settings.TrustEnv;
        settings.Stream = ReadBool(configuration, "Stream") ?? settings.Stream;
        BindRetry(configuration, settings);
        AuthSettingsBinder.Bind(configuration, settings);
        BindCache(configuration, settings);

        // Seconds ("30", "0.5") or a TimeSpan ("00:00:30"), as Timeout.
        if (configuration["Deadline"] is { Length: > 0 } deadline)
        {
            var value = ReadTimeSpan(configuration, "Deadline", deadline);
            settings.Deadline = value <= CallDeadline.Max ? value : throw Invalid(configuration, "Deadline", deadline, "a deadline of at most 49 days");
        }

        BindRateLimit(configuration, settings);
    }

    // The limiters themselves are objects (AddRateLimiter); configuration says how they apply.
    private static void BindRateLimit(IConfiguration configuration, SessionSettings settings)
    {
        var section = configuration.GetSection("RateLimit");
        if (!section.GetChildren().Any())
        {
            return;
        }

        var options = settings.RateLimit?.Clone() ?? new RateLimitOptions();
        if (section["Behavior"] is { Length: > 0 } behavior)
        {
            options.Behavior = Enum.TryParse<RateLimitBehavior>(behavior, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(behavior[0])
                ? parsed
                : throw Invalid(configuration, "RateLimit:Behavior", behavior, "Wait or FailFast");
        }

        options.HoldOnRetryAfter = ReadBool(section, "HoldOnRetryAfter") ?? options.HoldOnRetryAfter;
        options.MaxHold = section["MaxHold"] is { Length: > 0 } maxHold ? ReadDuration(configuration, "RateLimit:MaxHold", maxHold) : options.MaxHold;
        settings.RateLimit = options;
    }

    // "Cache": true, or a section with Enabled and the limits; a distributed store comes from dependency injection.
    private static void BindCache(IConfiguration configuration, SessionSettings settings)
    {
        var section = configuration.GetSection("Cache");
        if (section.Value is { Length: > 0 } flag)
        {
            settings.Cache = ReadBool(configuration, "Cache") == true ? new HttpCache { FromConfiguration = true } : null;
            return;
        }

        if (!section.GetChildren().Any())
        {
            return;
        }

        if (ReadBool(section, "Enabled") == false)
        {
            settings.Cache = null;
            return;
        }

        var options = new HttpCacheOptions();
        options.MaxEntrySize = section["MaxEntrySize"] is { Length: > 0 } entry ? ReadSize(configuration, "Cache:MaxEntrySize", entry) : options.MaxEntrySize;
        options.MaxTotalSize = section["MaxTotalSize"] is { Length: > 0 } total ? ReadSize(configuration, "Cache:MaxTotalSize", total) : options.MaxTotalSize;
        options.KeyPrefix = section["KeyPrefix"] ?? options.KeyPrefix;
        options.Name = section["Name"] is { Length: > 0 } name ? name : null;
        options.HeuristicFreshness = ReadBool(section, "HeuristicFreshness") ?? options.HeuristicFreshness;
        options.MaxHeuristicLifetime = section["MaxHeuristicLifetime"] is { Length: > 0 } cap ? ReadDuration(configuration, "Cache:MaxHeuristicLifetime", cap) : options.MaxHeuristicLifetime;
        options.StaleRetention = section["StaleRetention"] is { Length: > 0 } keep ? ReadDuration(configuration, "Cache:StaleRetention", keep) : options.StaleRetention;
        options.StoreFailureBackoff = section["StoreFailureBackoff"] is { Length: > 0 } backoff ? ReadDuration(configuration, "Cache:StoreFailureBackoff", backoff) : options.StoreFailureBackoff;
        settings.Cache = new HttpCache(options) { FromConfiguration = true };
    }

    private static long ReadSize(IConfiguration configuration, string key, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : throw Invalid(configuration, key, value, "a positive number of bytes");

    // Uri alone takes "/v1" for a file path on Unix and "localhost:5000" for the scheme "localhost"; neither is a base address.
    private static bool HasExplicitScheme(string value)
    {
        var end = value.IndexOf("://", StringComparison.Ordinal);
        return end > 0 && Uri.CheckSchemeName(value[..end]);
    }

    // Keeps credentials out of the message. Redaction.RedactUrl is not used: it expects a URL with an authority.
    private static string HideUserInfo(string value)
    {
        var end = value.IndexOfAny(['?', '#']);
        var at = (end < 0 ? value : value[..end]).LastIndexOf('@');
        return at < 0 ? value : "***" + value[at..];
    }

    private static void BindHeader(IConfiguration configuration, SessionSettings settings, string name, string? value)
    {
        try
        {
            HeaderRules.Validate(name, value);
        }
        catch (InvalidHeaderException ex)
        {
            var shown = value is null ? string.Empty : Redaction.RedactHeaderValue(name, value);
            throw Invalid(configuration, "Headers:" + name, shown, "a header name and value without leading whitespace or control characters", ex);
        }

        settings.Headers[name] = value;
    }

    private static void BindCert(IConfiguration configuration, SessionSettings settings)
    {
        var section = configuration.GetSection("Cert");
        if (section.Value is { Length: > 0 } single)
        {
            settings.Cert = ClientCert.FromPem(single);
            return;
        }

        if (section["Certificate"] is not { Length: > 0 } certificate)
        {
            return;
        }

        var isPkcs12 = section["Password"] is not null
            || certificate.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase)
            || certificate.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
        settings.Cert = isPkcs12 ? ClientCert.FromPkcs12(certificate, section["Password"]) : ClientCert.FromPem(certificate, section["Key"]);
    }

    private static void BindTimeout(IConfiguration configuration, SessionSettings settings)
    {
        var section = configuration.GetSection("Timeout");
        if (section.Value is { Length: > 0 } both)
        {
            var value = ReadTimeSpan(configuration, "Timeout", both);
            settings.Timeout = new RequestTimeout(value, value);
        }
        else if (section["Connect"] is { Length: > 0 } || section["Read"] is { Length: > 0 })
        {
            settings.Timeout = new RequestTimeout(
                section["Connect"] is { Length: > 0 } connect ? ReadTimeSpan(configuration, "Timeout:Connect", connect) : null,
                section["Read"] is { Length: > 0 } read ? ReadTimeSpan(configuration, "Timeout:Read", read) : null);
        }
    }

    // "Retry": 3 is requests' HTTPAdapter(max_retries=3); a section sets urllib3's Retry(...) arguments by name.
    private static void BindRetry(IConfiguration configuration, SessionSettings settings)
    {
        var section = configuration.GetSection("Retry");
        if (section.Value is { Length: > 0 } count)
        {
            settings.Retry = RetryPolicy.FromCount(ReadCount(configuration, "Retry", count) ?? 0);
            return;
        }

        if (!section.GetChildren().Any())
        {
            return;
        }

        var defaults = new RetryPolicy();
        settings.Retry = new RetryPolicy
        {
            Total = section["Total"] is { Length: > 0 } total ? ReadCount(configuration, "Retry:Total", total) : defaults.Total,
            Connect = section["Connect"] is { Length: > 0 } connect ? ReadCount(configuration, "Retry:Connect", connect) : null,
            Read = section["Read"] is { Length: > 0 } read ? ReadCount(configuration, "Retry:Read", read) : null,
            Status = section["Status"] is { Length: > 0 } status ? ReadCount(configuration, "Retry:Status", status) : null,
            BackoffFactor = section["BackoffFactor"] is { Length: > 0 } factor ? ReadSeconds(configuration, "Retry:BackoffFactor", factor) : defaults.BackoffFactor,
            BackoffJitter = section["BackoffJitter"] is { Length: > 0 } jitter ? ReadDuration(configuration, "Retry:BackoffJitter", jitter) : defaults.BackoffJitter,
            BackoffMax = section["BackoffMax"] is { Length: > 0 } max ? ReadDuration(configuration, "Retry:BackoffMax", max) : defaults.BackoffMax,
            StatusForcelist = ReadStatuses(configuration, section.GetSection("StatusForcelist")) ?? defaults.StatusForcelist,
            AllowedMethods = ReadMethods(section.GetSection("AllowedMethods"), defaults.AllowedMethods),
            RespectRetryAfterHeader = ReadBool(section, "RespectRetryAfterHeader") ?? defaults.RespectRetryAfterHeader,
            RetryAfterMax = section["RetryAfterMax"] is { Length: > 0 } cap ? ReadDuration(configuration, "Retry:RetryAfterMax", cap) : defaults.RetryAfterMax,
            RaiseOnStatus = ReadBool(section, "RaiseOnStatus") ?? defaults.RaiseOnStatus,
        };
    }

    // A count, or "None" for urllib3's None (no limit of its own).
    private static int? ReadCount(IConfiguration configuration, string key, string value) =>
        value.Equals("None", StringComparison.OrdinalIgnoreCase)
            ? null
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                ? count
                : throw Invalid(configuration, key, value, "a non-negative integer or None");

    private static double ReadSeconds(IConfiguration configuration, string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && double.IsFinite(seconds)
            ? seconds
            : throw Invalid(configuration, key, value, "a non-negative number");

    // Seconds ("0.5") or a TimeSpan ("00:02:00"); zero is allowed.
    private static TimeSpan ReadDuration(IConfiguration configuration, string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
                ? span
                : throw Invalid(configuration, key, value, "a non-negative number of seconds or a TimeSpan");

    private static HashSet<int>? ReadStatuses(IConfiguration configuration, IConfigurationSection section)
    {
        var items = section.GetChildren().ToList();
        if (items.Count == 0)
        {
            return null;
        }

        var statuses = new HashSet<int>();
        foreach (var item in items)
        {
            statuses.Add(int.TryParse(item.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 999
                ? code
                : throw Invalid(configuration, "Retry:StatusForcelist:" + item.Key, item.Value ?? string.Empty, "an HTTP status code"));
        }

        return statuses;
    }

    // A list of methods, or "*" for every method (urllib3's allowed_methods=None).
    private static IReadOnlySet<string>? ReadMethods(IConfigurationSection section, IReadOnlySet<string>? defaults)
    {
        if (section.Value is "*")
        {
            return null;
        }

        var items = section.GetChildren().ToList();
        return items.Count == 0
            ? defaults
            : items.Where(i => !string.IsNullOrWhiteSpace(i.Value)).Select(i => i.Value!.Trim().ToUpperInvariant()).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    // Accepts a TimeSpan ("00:00:05") or seconds as requests writes them ("5", "0.5").
    private static TimeSpan ReadTimeSpan(IConfiguration configuration, string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
                ? span
                : throw Invalid(configuration, key, value, "a positive number of seconds or a TimeSpan");

    private static bool? ReadBool(IConfiguration configuration, string key) =>
        configuration[key] is not { Length: > 0 } text
            ? null
            : bool.TryParse(text, out var value) ? value : throw Invalid(configuration, key, text, "true or false");

    private static InvalidOperationException Invalid(IConfiguration configuration, string key, string value, string expected, Exception? inner = null)
    {
        var path = configuration is IConfigurationSection section ? section.Path + ":" + key : key;
        return new InvalidOperationException($"Configuration value '{value}' at '{path}' is not valid: expected {expected}.", inner);
    }
}
