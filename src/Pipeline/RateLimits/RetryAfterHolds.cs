using System.Collections.Concurrent;

namespace Pipeline;

/// <summary>
/// The hosts a server asked to leave alone (a 429 or 503 with <c>Retry-After</c>) and until when: owned by a session, or
/// shared by the sessions of one registered name, and reached by the rate-limit stage through the request's context.
/// Safe for concurrent use; bounded: an entry goes once its time has passed, and past <see cref="Capacity"/> hosts the
/// expired entries, then those ending soonest, make room.
/// </summary>
internal sealed class RetryAfterHolds
{
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _until.Count;

    /// <summary>The key of a request's host: its punycode host and port.</summary>
    public static string? HostKey(Uri? uri) =>
        uri is { IsAbsoluteUri: true } ? string.Concat(uri.IdnHost, ":", uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;

    /// <summary>How long <paramref name="host"/> is still held, or null when it is not (an expired entry is removed).</summary>
    public TimeSpan? Remaining(string host, DateTimeOffset now)
    {
        if (_until.IsEmpty || !_until.TryGetValue(host, out var until))
        {
            return null;
        }

        if (until > now)
        {
            return until - now;
        }

        _until.TryRemove(KeyValuePair.Create(host, until));
        return null;
    }

    /// <summary>Holds <paramref name="host"/> until <paramref name="until"/>, or longer when it is held longer already.</summary>
    public void Hold(string host, DateTimeOffset until, DateTimeOffset now)
    {
        _until.AddOrUpdate(host, static (_, until) => until, static (_, existing, until) => existing > until ? existing : until, until);
        if (_until.Count > Capacity)
        {
            Trim(now);
        }
    }

    private void Trim(DateTimeOffset now)
    {
        foreach (var (host, until) in _until)
        {
            if (until <= now)
            {
                _until.TryRemove(KeyValuePair.Create(host, until));
            }
        }

        var excess = _until.Count - Capacity;
        if (excess <= 0)
        {
            return;
        }

        foreach (var (host, until) in _until.OrderBy(e => e.Value).Take(excess).ToList())
        {
            _until.TryRemove(KeyValuePair.Create(host, until));
        }
    }
}
