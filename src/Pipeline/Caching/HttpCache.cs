using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace Pipeline;

/// <summary>
/// An HTTP cache (RFC 9111) for a session's requests: <c>session.Cache = new HttpCache();</c> keeps responses in memory
/// as a private cache; <c>new HttpCache(distributedCache)</c> shares them through any <see cref="IDistributedCache"/>
/// (Redis…) between every instance, with a shared cache's rules.
/// </summary>
/// <remarks>
/// <para>
/// A response is stored for a GET or HEAD when RFC 9111 §3 allows it, served while fresh (§4.2), revalidated with
/// <c>If-None-Match</c>/<c>If-Modified-Since</c> when stale (§4.3), and invalidated by a successful unsafe request
/// (§4.4). <c>stale-while-revalidate</c> and <c>stale-if-error</c> (RFC 5861) are honoured. The key is the method and
/// the URL, plus the request headers the response's <c>Vary</c> names, never the session's name: sessions that share a
/// cache share its entries.
/// </para>
/// <para>
/// A shared cache never stores <c>private</c> responses, stores a response to a request with <c>Authorization</c> only
/// when it is <c>public</c>, <c>must-revalidate</c> or has <c>s-maxage</c> (§3.5), honours <c>s-maxage</c>, and keeps no
/// <c>Set-Cookie</c>. A store that fails degrades to a miss, logged, never a failed request. Safe for concurrent use.
/// </para>
/// <para>Disposing the cache stops its background revalidations; the memory store is emptied. A cache may serve several sessions, so a session never disposes it.</para>
/// </remarks>
public sealed partial class HttpCache : IDisposable
{
    private readonly ICacheStore _store;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _refreshes = new(StringComparer.Ordinal);
    private readonly TagList _tags;
    private long _storeUnavailableUntil;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="HttpCache"/> class: in memory, bounded, a private cache.</summary>
    public HttpCache()
        : this(new HttpCacheOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HttpCache"/> class in memory, with the given limits.</summary>
    /// <param name="options">The limits and rules; they are copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or time in <paramref name="options"/> is not positive.</exception>
    public HttpCache(HttpCacheOptions options)
    {
        Options = Validate(options);
        var tags = CacheMetrics.Tags("memory", Options.Name);
        _tags = tags;
        _store = new MemoryCacheStore(Options.MaxTotalSize, Options.TimeProvider, count => CacheMetrics.Evictions.Add(count, tags));
    }

    /// <summary>Initializes a new instance of the <see cref="HttpCache"/> class over a shared store, with a shared cache's rules.</summary>
    /// <param name="store">The store, such as Redis through <c>Microsoft.Extensions.Caching.StackExchangeRedis</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public HttpCache(IDistributedCache store)
        : this(store, new HttpCacheOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HttpCache"/> class over a shared store, with the given limits.</summary>
    /// <param name="store">The store.</param>
    /// <param name="options">The limits and rules; they are copied (<see cref="HttpCacheOptions.MaxTotalSize"/> is the store's business).</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or time in <paramref name="options"/> is not positive.</exception>
    public HttpCache(IDistributedCache store, HttpCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        Options = Validate(options);
        IsShared = true;
        _tags = CacheMetrics.Tags("distributed", Options.Name);
        _store = new DistributedCacheStore(store, Options.KeyPrefix, Options.TimeProvider);
        DistributedStore = store;
    }

    /// <summary>Gets a value indicating whether this is a shared cache (a distributed store) rather than a private one (memory).</summary>
    public bool IsShared { get; }

    internal HttpCacheOptions Options { get; }

    internal IDistributedCache? DistributedStore { get; }

    internal TimeProvider Time => Options.TimeProvider;

    /// <summary>Gets a value indicating whether the cache was created from configuration, so dependency injection may give it the registered store.</summary>
    internal bool FromConfiguration { get; init; }

    internal ICacheStore Store => _store;

    /// <summary>Gets a token cancelled when the cache is disposed, which stops background revalidations.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    internal ref readonly TagList Tags => ref _tags;

    /// <summary>Removes the stored GET and HEAD responses of a URL, every Vary variant included.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>A task that completes when the entries are removed (or the store failed, which is logged nowhere: the store is best effort).</returns>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute URL.</exception>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public async Task RemoveAsync(string url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException("The URL must be absolute.", nameof(url));
        }

        await InvalidateAsync(uri, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops background revalidations and empties the memory store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            (_store as MemoryCacheStore)?.Clear();
        }
    }

    /// <summary>Reads the responses stored for a key; a failing store is a miss, logged, and left alone for a while.</summary>
    internal async ValueTask<List<CacheEntry>?> LoadAsync(string key, ILogger logger, CancellationToken cancellationToken)
    {
        if (!StoreAvailable())
        {
            return null;
        }

        try
        {
            var data = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            return data is null ? null : CacheEntrySerializer.Deserialize(data);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            StoreFailed(logger, "read", ex);
            return null;
        }
    }

    /// <summary>Writes the responses of a key, kept until the last of them is of no more use.</summary>
    internal async ValueTask<bool> SaveAsync(string key, List<CacheEntry> variants, ILogger logger, CancellationToken cancellationToken)
    {
        if (!StoreAvailable() || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        try
        {
            await _store.SetAsync(key, CacheEntrySerializer.Serialize(variants), Expiry(variants), cancellationToken).ConfigureAwait(false);
            CacheMetrics.Stores.Add(1, _tags);
            return true;
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            StoreFailed(logger, "write", ex);
            return false;
        }
    }

    /// <summary>§4.4: removes the GET and HEAD responses stored for a URI.</summary>
    internal async ValueTask InvalidateAsync(Uri uri, ILogger logger, CancellationToken cancellationToken)
    {
        if (!StoreAvailable())
        {
            return;
        }

        try
        {
            await _store.RemoveAsync(CacheKeyRules.PrimaryKey(HttpMethod.Get, uri), cancellationToken).ConfigureAwait(false);
            await _store.RemoveAsync(CacheKeyRules.PrimaryKey(HttpMethod.Head, uri), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            StoreFailed(logger, "remove", ex);
        }
    }

    /// <summary>Starts a background revalidation unless one runs for the same key or the cache is disposed.</summary>
    internal bool TryStartRefresh(string key, Func<CancellationToken, Task> refresh)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_refreshes.TryAdd(key, gate.Task))
        {
            return false;
        }

        // Task.Run: the caller returns at once, whatever the refresh does synchronously before its first await.
        _ = Task.Run(async () =>
        {
            try
            {
                await refresh(_stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                _refreshes.TryRemove(key, out _);
                gate.SetResult();
            }
        });
        return true;
    }

    /// <summary>Completes when no background revalidation runs (for tests and orderly shutdowns).</summary>
    internal Task WhenRefreshesDoneAsync() => Task.WhenAll(_refreshes.Values);

    private static HttpCacheOptions Validate(HttpCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(copy.MaxEntrySize, nameof(options.MaxEntrySize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(copy.MaxTotalSize, nameof(options.MaxTotalSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(copy.MaxHeuristicLifetime, TimeSpan.Zero, nameof(options.MaxHeuristicLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(copy.StaleRetention, TimeSpan.Zero, nameof(options.StaleRetention));
        ArgumentOutOfRangeException.ThrowIfLessThan(copy.StoreFailureBackoff, TimeSpan.Zero, nameof(options.StoreFailureBackoff));
        ArgumentNullException.ThrowIfNull(copy.KeyPrefix, nameof(options.KeyPrefix));
        ArgumentNullException.ThrowIfNull(copy.TimeProvider, nameof(options.TimeProvider));
        return copy;
    }

    // The caller's own cancellation is not the store's failure: it surfaces as it would without a cache.
    private static bool IsStoreFailure(Exception ex, CancellationToken cancellationToken) =>
        !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private bool StoreAvailable() => Time.GetUtcNow().UtcTicks >= Volatile.Read(ref _storeUnavailableUntil);

    private void StoreFailed(ILogger logger, string operation, Exception ex)
    {
        CacheMetrics.StoreErrors.Add(1, _tags);
        Volatile.Write(ref _storeUnavailableUntil, (Time.GetUtcNow() + Options.StoreFailureBackoff).UtcTicks);
        // The first line only: a Redis client's message goes on with its whole connection state.
        var message = ex.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        Log.StoreFailed(logger, operation, Options.StoreFailureBackoff, ex.GetType().Name + ": " + (end < 0 ? message : message[..end]));
    }

    /// <summary>When the last variant goes stale, plus the time it stays of use stale (retention, stale-while-revalidate, stale-if-error).</summary>
    private DateTimeOffset Expiry(List<CacheEntry> variants)
    {
        var latest = DateTimeOffset.MinValue;
        foreach (var entry in variants)
        {
            var lifetime = FreshnessRules.FreshnessLifetime(entry, IsShared, Options);
            var staleAt = entry.ResponseTime + lifetime - FreshnessRules.CurrentAge(entry, entry.ResponseTime);
            var keep = Options.StaleRetention;
            if (entry.Directives.StaleWhileRevalidate is { } swr && swr > keep)
            {
                keep = swr;
            }

            if (entry.Directives.StaleIfError is { } sie && sie > keep)
            {
                keep = sie;
            }

            var expires = keep > TimeSpan.FromDays(36500) ? DateTimeOffset.MaxValue : staleAt + keep;
            latest = expires > latest ? expires : latest;
        }

        return latest;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 39, EventName = "CacheStoreFailed", Level = LogLevel.Warning,
            Message = "The HTTP cache store failed ({Operation}); requests are misses without the store for {Backoff}: {Error}")]
        public static partial void StoreFailed(ILogger logger, string operation, TimeSpan backoff, string error);
    }
}
