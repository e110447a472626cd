using System.Collections;

namespace Pipeline;

/// <summary>
/// Maps multipart field names to files (requests' <c>files</c>): <c>new FileMap { ["upload"] = new FileItem("a.txt", bytes) }</c>.
/// </summary>
/// <remarks>Form fields from <see cref="RequestOptions.Data"/> come first in the body, then the files in order, as requests.</remarks>
public sealed class FileMap : IEnumerable<KeyValuePair<string, FileItem>>
{
    private readonly List<KeyValuePair<string, FileItem>> _items = [];

    /// <summary>Gets the number of files.</summary>
    public int Count => _items.Count;

    /// <summary>Gets or sets the file of a field.</summary>
    /// <param name="field">The form field name.</param>
    /// <returns>The file.</returns>
    /// <exception cref="KeyNotFoundException">No file has that field name.</exception>
    /// <exception cref="ArgumentNullException">The field or file is <see langword="null"/>.</exception>
    public FileItem this[string field]
    {
        get
        {
            var index = _items.FindIndex(p => p.Key == field);
            return index < 0 ? throw new KeyNotFoundException($"No file for field '{field}'.") : _items[index].Value;
        }

        set
        {
            ArgumentNullException.ThrowIfNull(field);
            ArgumentNullException.ThrowIfNull(value);
            var index = _items.FindIndex(p => p.Key == field);
            if (index < 0)
            {
                _items.Add(new(field, value));
            }
            else
            {
                _items[index] = new(field, value);
            }
        }
    }

    /// <summary>Adds a file; a field name may repeat.</summary>
    /// <param name="field">The form field name.</param>
    /// <param name="file">The file.</param>
    /// <exception cref="ArgumentNullException">The field or file is <see langword="null"/>.</exception>
    public void Add(string field, FileItem file)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(file);
        _items.Add(new(field, file));
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, FileItem>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
