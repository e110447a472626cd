namespace Pipeline;

/// <summary>
/// The in-memory store: entries by key, least recently used first out once <see cref="HttpCacheOptions.MaxTotalSize"/>
/// bytes are held, and dropped when they expire. Safe for concurrent use (one lock, held for dictionary work only).
/// </summary>
internal sealed class MemoryCacheStore(long maxTotalSize, TimeProvider time, Action<int> evicted) : ICacheStore
{
    private readonly Dictionary<string, LinkedListNode<Item>> _items = new(StringComparer.Ordinal);
    private readonly LinkedList<Item> _recency = new();
    private readonly Lock _lock = new();
    private long _size;

    public string Kind => "memory";

    /// <summary>Gets the bytes held.</summary>
    public long Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue(key, out var node))
            {
                return ValueTask.FromResult<byte[]?>(null);
            }

            if (node.Value.Expires <= time.GetUtcNow())
            {
                RemoveNode(node);
                return ValueTask.FromResult<byte[]?>(null);
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return ValueTask.FromResult<byte[]?>(node.Value.Value);
        }
    }

    public ValueTask SetAsync(string key, byte[] value, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var count = 0;
        lock (_lock)
        {
            if (_items.TryGetValue(key, out var existing))
            {
                RemoveNode(existing);
            }

            if (value.Length <= maxTotalSize)
            {
                var node = _recency.AddFirst(new Item(key, value, expires));
                _items[key] = node;
                _size += value.Length;
                while (_size > maxTotalSize && _recency.Last is { } last)
                {
                    RemoveNode(last);
                    count++;
                }
            }
        }

        if (count > 0)
        {
            evicted(count);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_items.TryGetValue(key, out var node))
            {
                RemoveNode(node);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Clear()
    {
        lock (_lock)
        {
            _items.Clear();
            _recency.Clear();
            _size = 0;
        }
    }

    private void RemoveNode(LinkedListNode<Item> node)
    {
        _recency.Remove(node);
        _items.Remove(node.Value.Key);
        _size -= node.Value.Value.Length;
    }

    private sealed record Item(string Key, byte[] Value, DateTimeOffset Expires);
}
