using System.Collections;

namespace Pipeline;

/// <summary>
/// Represents query parameters as an ordered multimap: a key may repeat, and its values keep their order.
/// </summary>
/// <remarks>
/// Collection initializers take both forms: <c>new QueryParams { ["q"] = "x" }</c> sets one value, and
/// <c>new QueryParams { { "tag", "a" }, { "tag", "b" } }</c> repeats a key (requests' list values).
/// A <see langword="null"/> value is dropped when the URL is built; in a per-request map a key whose values are
/// all <see langword="null"/> removes the session's parameter of that name (requests' <c>merge_setting</c>).
/// Keys are case-sensitive, as in a query string. Changes and copies are synchronized, so a session's params may be
/// changed while its requests copy them; enumerating while another thread changes the map is not safe.
/// </remarks>
public sealed class QueryParams : IEnumerable<KeyValuePair<string, string?>>
{
    private readonly List<KeyValuePair<string, string?>> _items;

    /// <summary>Initializes a new, empty instance of the <see cref="QueryParams"/> class.</summary>
    public QueryParams()
    {
        _items = [];
    }

    /// <summary>Initializes a new instance of the <see cref="QueryParams"/> class holding a copy of <paramref name="pairs"/>.</summary>
    /// <param name="pairs">The pairs to copy, in order; repeated keys are kept.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/> is <see langword="null"/>.</exception>
    public QueryParams(IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs is QueryParams other)
        {
            lock (other._items)
            {
                _items = new List<KeyValuePair<string, string?>>(other._items);
            }

            return;
        }

        _items = new List<KeyValuePair<string, string?>>(pairs);
        foreach (var pair in _items)
        {
            ArgumentNullException.ThrowIfNull(pair.Key, nameof(pairs));
        }
    }

    /// <summary>Gets the number of key/value pairs, counting each value of a repeated key.</summary>
    public int Count => _items.Count;

    /// <summary>Gets or sets the first value of a key; setting replaces every value of that key with one.</summary>
    /// <param name="key">The parameter name.</param>
    /// <returns>The first value, or <see langword="null"/> when the key is absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public string? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            foreach (var pair in _items)
            {
                if (pair.Key == key)
                {
                    return pair.Value;
                }
            }

            return null;
        }

        set
        {
            ArgumentNullException.ThrowIfNull(key);
            lock (_items)
            {
                Version++;
                var first = _items.FindIndex(p => p.Key == key);
                if (first < 0)
                {
                    _items.Add(new(key, value));
                    return;
                }

                _items[first] = new(key, value);
                for (var i = _items.Count - 1; i > first; i--)
                {
                    if (_items[i].Key == key)
                    {
                        _items.RemoveAt(i);
                    }
                }
            }
        }
    }

    /// <summary>Adds a value for a key, after any values it already has (a repeated key).</summary>
    /// <param name="key">The parameter name.</param>
    /// <param name="value">The value; <see langword="null"/> values are not sent.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public void Add(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_items)
        {
            _items.Add(new(key, value));
            Version++;
        }
    }

    /// <summary>Gets every value of a key in order.</summary>
    /// <param name="key">The parameter name.</param>
    /// <returns>The values; empty when the key is absent.</returns>
    public IReadOnlyList<string?> GetValues(string key)
    {
        var values = new List<string?>();
        foreach (var pair in _items)
        {
            if (pair.Key == key)
            {
                values.Add(pair.Value);
            }
        }

        return values;
    }

    /// <summary>Determines whether the key is present.</summary>
    /// <param name="key">The parameter name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string key) => _items.Exists(p => p.Key == key);

    /// <summary>Removes every value of a key.</summary>
    /// <param name="key">The parameter name.</param>
    /// <returns><see langword="true"/> when something was removed.</returns>
    public bool Remove(string key)
    {
        lock (_items)
        {
            Version++;
            return _items.RemoveAll(p => p.Key == key) > 0;
        }
    }

    /// <summary>Removes every parameter.</summary>
    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
            Version++;
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the parameters encoded as a query string, as requests' <c>urlencode</c> does.</summary>
    /// <returns>The query string without a leading <c>?</c>.</returns>
    public override string ToString() => UrlRules.EncodeParams(this);

    /// <summary>Gets a number that changes with every change, so a session can reuse its encoded params while it holds.</summary>
    internal int Version { get; private set; }

    internal KeyValuePair<string, string?> ItemAt(int index) => _items[index];
}
