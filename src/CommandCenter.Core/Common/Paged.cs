namespace CommandCenter.Common;

/// <summary>One page of a list and the total count across pages.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Total);

public static class Paging
{
    public const int MaxPageSize = 1000;

    public static (int Page, int PageSize) Normalize(int? page, int? pageSize, int defaultSize = 100)
    {
        var size = pageSize is null or < 1 ? defaultSize : Math.Min(pageSize.Value, MaxPageSize);
        return (page is null or < 1 ? 1 : page.Value, size);
    }
}
