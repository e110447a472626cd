using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Pipeline;

/// <summary>
/// The configuration keys <see cref="SessionSettingsBinder"/> binds, and the check that reports any other key in a
/// session's section (a misspelled <c>Sessions:github:Hedaers</c> would otherwise be ignored without a word).
/// </summary>
/// <remarks>A key the binder learns to bind goes in <see cref="Known"/> too; <c>SettingsListTests</c> checks it.</remarks>
internal static partial class SessionSettingsKeys
{
    /// <summary>Each bound key and the child keys it takes: <see langword="null"/> for free-form children (header names), empty for a plain value.</summary>
    public static readonly IReadOnlyDictionary<string, string[]?> Known = new Dictionary<string, string[]?>(StringComparer.OrdinalIgnoreCase)
    {
        ["BaseAddress"] = [],
        ["Headers"] = null,
        ["Params"] = null,
        ["Proxies"] = null,
        ["Verify"] = [],
        ["Cert"] = ["Certificate", "Key", "Password"],
        ["Timeout"] = ["Connect", "Read"],
        ["MaxRedirects"] = [],
        ["MaxResponseContentLength"] = [],
        ["Deadline"] = [],
        ["RateLimit"] = ["Behavior", "HoldOnRetryAfter", "MaxHold"],
        ["Cache"] = ["Enabled", "MaxEntrySize", "MaxTotalSize", "KeyPrefix", "Name", "HeuristicFreshness", "MaxHeuristicLifetime", "StaleRetention", "StoreFailureBackoff"],
        ["Auth"] =
        [
            "Type", "User", "Password", "Token", "TokenUrl", "ClientId", "ClientSecret", "Scope", "ClientAuthentication",
            "ExpirySkew", "Parameters", "RefreshToken",
        ],
        ["TrustEnv"] = [],
        ["Stream"] = [],
        ["Version"] = [],
        ["VersionPolicy"] = [],
        ["Retry"] =
        [
            "Total", "Connect", "Read", "Status", "BackoffFactor", "BackoffJitter", "BackoffMax", "StatusForcelist",
            "AllowedMethods", "RespectRetryAfterHeader", "RetryAfterMax", "RaiseOnStatus",
        ],
    };

    // Settings that exist but are objects or delegates, so they are set in code; a key for one is still reported.
    private static readonly HashSet<string> CodeOnly = new(StringComparer.OrdinalIgnoreCase) { "Hooks", "TimeProvider", "JsonSerializerOptions", "RateLimiter", "PartitionedRateLimiter" };

    /// <summary>Describes every key of <paramref name="configuration"/> that is not bound, with its full path.</summary>
    public static List<string> FindUnknown(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var child in configuration.GetChildren())
        {
            if (!Known.TryGetValue(child.Key, out var children))
            {
                problems.Add(CodeOnly.Contains(child.Key)
                    ? $"'{child.Path}' is not bound from configuration: set {child.Key} in code (AddSession(name, s => s.{child.Key} = ...))."
                    : $"'{child.Path}' is not a session setting{Suggest(child.Key, Known.Keys)}. Known keys: {string.Join(", ", Known.Keys)}.");
                continue;
            }

            if (children is null)
            {
                continue;
            }

            foreach (var grandchild in child.GetChildren())
            {
                if (!children.Contains(grandchild.Key, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(children.Length == 0
                        ? $"'{grandchild.Path}' is not bound: {child.Key} takes a single value."
                        : $"'{grandchild.Path}' is not a {child.Key} setting{Suggest(grandchild.Key, children)}. Known keys under {child.Key}: {string.Join(", ", children)}.");
                }
            }
        }

        return problems;
    }

    /// <summary>Logs the unknown keys as warnings, or throws when <paramref name="strict"/>.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="strict"/> and a key is not bound.</exception>
    public static void Check(string name, IConfiguration configuration, bool strict, ILoggerFactory? loggerFactory)
    {
        var problems = FindUnknown(configuration);
        if (problems.Count == 0)
        {
            return;
        }

        if (strict)
        {
            throw new InvalidOperationException(
                $"Session '{name}': the configuration has keys that are not bound (ValidateConfigurationKeys(strict: true)):{Environment.NewLine}- "
                + string.Join(Environment.NewLine + "- ", problems));
        }

        if (loggerFactory is not null)
        {
            var logger = loggerFactory.CreateLogger<SessionSettings>();
            foreach (var problem in problems)
            {
                Log.UnknownKey(logger, name, problem);
            }
        }
    }

    // The known key closest to a misspelling, within two edits: "Hedaers" -> "Headers".
    private static string Suggest(string key, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(key.ToUpperInvariant(), c.ToUpperInvariant())))
            .MinBy(p => p.Distance);
        return best.Candidate is not null && best.Distance <= 2 ? $" (did you mean '{best.Candidate}'?)" : string.Empty;
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, EventName = "UnknownConfigurationKey", Level = LogLevel.Warning,
            Message = "Session '{Session}': {Problem} The key is ignored.")]
        public static partial void UnknownKey(ILogger logger, string session, string problem);
    }
}
