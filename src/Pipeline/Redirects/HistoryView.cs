using System.Collections;

namespace Pipeline;

/// <summary>
/// The first <c>count</c> responses of a call's redirect history. The list behind it only grows while the call runs, so
/// every hop shares it: a chain of n redirects keeps n views, not n copies (requests copies the list per hop).
/// </summary>
internal sealed class HistoryView(List<Response> responses, int count) : IReadOnlyList<Response>
{
    public int Count => count;

    public Response this[int index] => (uint)index < (uint)count ? responses[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<Response> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
        {
            yield return responses[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
