using System.Globalization;

namespace HealthyApi.Management;

/// <summary>The process's open-file limit (the .NET runtime raises the soft limit to the hard one at start).</summary>
public static class FileDescriptorLimit
{
    /// <summary>Descriptors kept for everything but the listeners: assemblies, pools, sockets to dependencies, logs.</summary>
    public const int Reserve = 256;

    /// <summary>The soft limit, or null where there is none to read (not Linux, or unlimited).</summary>
    public static long? Current()
    {
        try
        {
            // "Max open files            1048576              1048576              files"
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?[14..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
