namespace TenantReconciler.Fleet;

/// <summary>A row's cells are sorted by column and hold only the columns that exist: found by binary search.</summary>
internal static class ColumnSearch
{
    /// <summary>
    /// The index of <paramref name="column"/>'s cell in <paramref name="cells"/> (sorted by <paramref name="columnOf"/>),
    /// or the bitwise complement of the index where it would be inserted, as <see cref="Array.BinarySearch(Array, object)"/> says.
    /// </summary>
    public static int IndexOf<T>(IReadOnlyList<T> cells, int column, Func<T, int> columnOf)
    {
        int low = 0, high = cells.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var at = columnOf(cells[middle]);
            if (at == column)
            {
                return middle;
            }

            (low, high) = at < column ? (middle + 1, high) : (low, middle - 1);
        }

        return ~low;
    }
}
