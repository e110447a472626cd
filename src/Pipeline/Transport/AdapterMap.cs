using System.Collections;

namespace Pipeline;

/// <summary>
/// Maps URL prefixes to transport adapters, longest prefix first (requests' <c>Session.adapters</c>).
/// </summary>
/// <remarks>
/// Matching ignores case; mounting a prefix that differs only in case replaces the existing entry. Reads are lock-free
/// snapshots, so mounting while requests are in flight is safe.
/// </remarks>
public sealed class AdapterMap : IEnumerable<KeyValuePair<string, HttpMessageHandler>>
{
    private readonly Lock _writeLock = new();
    private Entry[] _entries = [];

    /// <summary>Gets the number of mounted adapters.</summary>
    public int Count => Volatile.Read(ref _entries).Length;

    /// <summary>Gets the prefixes in lookup order.</summary>
    public IEnumerable<string> Keys => Volatile.Read(ref _entries).Select(e => e.Prefix);

    /// <summary>Gets the adapter mounted at a prefix (case-insensitive).</summary>
    /// <param name="prefix">The prefix.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="KeyNotFoundException">Nothing is mounted at <paramref name="prefix"/>.</exception>
    public HttpMessageHandler this[string prefix] =>
        Array.Find(Volatile.Read(ref _entries), e => string.Equals(e.Prefix, prefix, StringComparison.OrdinalIgnoreCase))?.Handler
        ?? throw new KeyNotFoundException($"No adapter is mounted at '{prefix}'.");

    internal Entry[] Snapshot => Volatile.Read(ref _entries);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, HttpMessageHandler>> GetEnumerator() =>
        Volatile.Read(ref _entries).Select(e => new KeyValuePair<string, HttpMessageHandler>(e.Prefix, e.Handler)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static Entry? Find(Entry[] entries, string url)
    {
        foreach (var entry in entries)
        {
            if (url.StartsWith(entry.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    internal void Mount(string prefix, HttpMessageHandler adapter)
    {
        lock (_writeLock)
        {
            var list = _entries.Where(e => !string.Equals(e.Prefix, prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            list.Add(new Entry(prefix, adapter));

            // requests' mount() moves shorter prefixes behind the new one: a stable sort by length, longest first.
            _entries = [.. list.OrderByDescending(e => e.Prefix.Length)];
        }
    }

    internal sealed class Entry(string prefix, HttpMessageHandler handler)
    {
        public string Prefix { get; } = prefix;

        public HttpMessageHandler Handler { get; } = handler;

        public HttpMessageInvoker Invoker { get; } = new(handler, disposeHandler: false);
    }
}
