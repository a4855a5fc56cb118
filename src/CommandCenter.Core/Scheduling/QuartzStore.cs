using System.Data;
using CommandCenter.Persistence;
using Microsoft.Data.SqlClient;
using Quartz;
using Quartz.Impl.AdoJobStore;
using Quartz.Impl.AdoJobStore.Common;

namespace CommandCenter.Scheduling;

/// <summary>Quartz's job store: in memory for one instance, or clustered in the app's own database for several.</summary>
public static class QuartzStore
{
    /// <summary>Every instance of the app is one member of this scheduler (the SCHED_NAME of the QRTZ_ rows).</summary>
    public const string SchedulerName = "CommandCenter";

    public const string TablePrefix = "QRTZ_";

    /// <summary>Quartz's name for the Microsoft.Data.Sqlite driver.</summary>
    private const string SqliteProvider = "SQLite-Microsoft";

    /// <summary>
    /// The clustered ADO.NET store on <paramref name="provider"/>'s database: instance id AUTO, job data as strings
    /// through Quartz's System.Text.Json serializer, schema validated (the QuartzSchema migration creates it; Quartz
    /// never creates tables itself here).
    /// </summary>
    public static IQuartzBuilder UseClusteredStore(this IQuartzBuilder q, string provider, string connectionString, TimeSpan checkinInterval)
    {
        q.ConfigureScheduler(s =>
        {
            s.InstanceName = SchedulerName;
            // AUTO: each instance generates its own id (host name + time). Quartz 4 reads the literal "AUTO" only from
            // its flat properties; in code it is this switch, and a fixed id shared by two instances would break the cluster.
            s.GenerateInstanceId = true;
        });
        q.UsePersistentStore(store =>
        {
            if (string.Equals(provider, DatabaseOptions.Providers.SqlServer, StringComparison.OrdinalIgnoreCase))
            {
                store.UseSqlServer(SqlClientFactory.Instance, connectionString);
            }
            else
            {
                // Quartz refuses a cluster on its SQLite delegate (it assumes no lock spans processes). Microsoft.Data.Sqlite
                // begins every transaction IMMEDIATE, i.e. holding the database's single write lock until commit, so an
                // UPDATE of the QRTZ_LOCKS row serializes the instances as a row lock does elsewhere: same SQL as Quartz's
                // SQLite delegate, database locks instead of its in-process one.
                store.UseConnectionProvider(_ => new DbProvider(SqliteProvider, connectionString));
                store.UseDriverDelegate<ClusteredSqliteDelegate>();
                store.UseLockHandler(_ => new UpdateRowLockHandler(new DbProvider(SqliteProvider, connectionString)));
                store.ConfigureStore(o =>
                {
                    o.TransactionIsolationLevel = IsolationLevel.Serializable;
                    o.AcquireTriggersWithinLock = true;
                });
            }

            store.ConfigureStore(o =>
            {
                o.TablePrefix = TablePrefix;
                o.StoreJobDataAsStrings = true;
                o.SchemaProvisioning = SchemaProvisioning.Validate;
            });
            store.UseSystemTextJsonSerializer();
            store.UseClustering(c => c.CheckinInterval = checkinInterval);
        });
        return q;
    }
}

/// <summary>Quartz's SQLite dialect (LIMIT/OFFSET paging) on a delegate that Quartz lets run clustered.</summary>
public sealed class ClusteredSqliteDelegate : StdAdoDelegate
{
    protected override string ApplyPaging(string sql, bool takeLimited) =>
        takeLimited ? sql + " LIMIT @pageTake OFFSET @pageSkip" : sql + " LIMIT -1 OFFSET @pageSkip";

    protected override void AddPagingParameters(System.Data.Common.DbCommand cmd, int skip, int take, bool takeLimited)
    {
        if (takeLimited)
        {
            AddCommandParameter(cmd, "pageTake", take);
        }

        AddCommandParameter(cmd, "pageSkip", skip);
    }

    protected override SqlRowLimit GetRowLimit(int count) => SqlRowLimit.AtStatementEnd("LIMIT", count);
}
