using System.Collections;

namespace Pipeline;

/// <summary>
/// Maps proxy keys to proxy URLs, with requests' keys: <c>"http"</c>, <c>"https"</c>, <c>"all"</c>,
/// <c>"http://host"</c>, <c>"all://host"</c> and <c>"no_proxy"</c>.
/// </summary>
/// <remarks>
/// Keys ignore case. In a per-request map a <see langword="null"/> value removes the session's entry for that
/// request (requests' <c>merge_setting</c>). Changes and copies are synchronized, so a session's proxies may be changed
/// while its requests copy them; enumerating while another thread changes the map is not safe.
/// </remarks>
public sealed class ProxyMap : IEnumerable<KeyValuePair<string, string?>>
{
    private readonly Dictionary<string, string?> _items = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = [];

    /// <summary>Initializes a new, empty instance of the <see cref="ProxyMap"/> class.</summary>
    public ProxyMap()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ProxyMap"/> class holding a copy of <paramref name="entries"/>.</summary>
    /// <param name="entries">The entries to copy.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>.</exception>
    public ProxyMap(IEnumerable<KeyValuePair<string, string?>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries is ProxyMap other)
        {
            lock (other._items)
            {
                foreach (var key in other._order)
                {
                    _order.Add(key);
                    _items[key] = other._items[key];
                }
            }

            return;
        }

        foreach (var pair in entries)
        {
            this[pair.Key] = pair.Value;
        }
    }

    /// <summary>Gets the number of entries.</summary>
    public int Count => _order.Count;

    /// <summary>Gets or sets the proxy URL for a key.</summary>
    /// <param name="key">A requests proxy key such as <c>"https"</c> or <c>"all://example.com"</c>.</param>
    /// <returns>The proxy URL, or <see langword="null"/> when absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public string? this[string key]
    {
        get => _items.TryGetValue(key, out var value) ? value : null;
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            lock (_items)
            {
                if (!_items.ContainsKey(key))
                {
                    _order.Add(key);
                }

                _items[key] = value;
            }
        }
    }

    /// <summary>Determines whether the key is present.</summary>
    /// <param name="key">The proxy key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <summary>Removes an entry.</summary>
    /// <param name="key">The proxy key.</param>
    /// <returns><see langword="true"/> when an entry was removed.</returns>
    public bool Remove(string key)
    {
        lock (_items)
        {
            if (!_items.Remove(key))
            {
                return false;
            }

            _order.RemoveAll(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            return true;
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
            _order.Clear();
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator()
    {
        foreach (var key in _order)
        {
            yield return new(key, _items[key]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the entries with any credentials in proxy URLs redacted.</summary>
    /// <returns>The entries as <c>key=url</c> pairs.</returns>
    public override string ToString() =>
        string.Join(", ", this.Select(p => p.Key + "=" + (p.Value is null ? "null" : Redaction.RedactProxyUrl(p.Value))));
}
