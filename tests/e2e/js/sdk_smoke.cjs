// The AWS SDK for JavaScript v3 against `fuota serve`: create, get, list,
// update, start and delete a FUOTA task, and the error of an unknown id.
// Run by tests/e2e/e2e_aws_clients.sh with node_modules next to this file;
// env FUOTA_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. Prints one
// "PASS name" or "FAIL name: detail" line per check.
'use strict';
const {
    IoTWirelessClient,
    CreateFuotaTaskCommand,
    GetFuotaTaskCommand,
    ListFuotaTasksCommand,
    UpdateFuotaTaskCommand,
    StartFuotaTaskCommand,
    DeleteFuotaTaskCommand,
    AssociateMulticastGroupWithFuotaTaskCommand,
    ListMulticastGroupsByFuotaTaskCommand,
} = require('@aws-sdk/client-iot-wireless');

function check(cond, name, detail) {
    if (cond) console.log(`PASS ${name}`);
    else console.log(`FAIL ${name}: ${detail === undefined ? '' : JSON.stringify(detail)}`);
}

async function main() {
    const client = new IoTWirelessClient({
        endpoint: process.env.FUOTA_URL,
        region: process.env.AWS_REGION || 'us-east-1',
        credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID,
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
        },
        maxAttempts: 2,
    });
    const created = await client.send(new CreateFuotaTaskCommand({
        Name: 'js-sdk',
        FirmwareUpdateImage: 's3://fw/js.bin',
        FirmwareUpdateRole: 'arn:aws:iam::123456789012:role/fuota',
        LoRaWAN: { RfRegion: 'EU868' },
        FragmentSizeBytes: 50,
        RedundancyPercent: 25,
    }));
    check(created.$metadata.httpStatusCode === 201, 'create answers 201', created.$metadata);
    check(typeof created.Id === 'string' && created.Id.length > 0, 'create returns an Id', created);
    check(/^arn:aws:iotwireless:us-east-1:\d{12}:FuotaTask\//.test(created.Arn || ''), 'create returns an Arn', created.Arn);
    const id = created.Id;

    const got = await client.send(new GetFuotaTaskCommand({ Id: id }));
    check(got.Name === 'js-sdk' && got.Status === 'Pending', 'get returns the task', got);
    check(got.CreatedAt instanceof Date && got.CreatedAt.getFullYear() >= 2024, 'CreatedAt parses as a Date', got.CreatedAt);
    check(got.LoRaWAN && got.LoRaWAN.RfRegion === 'EU868', 'LoRaWAN.RfRegion round-trips', got.LoRaWAN);

    const listed = await client.send(new ListFuotaTasksCommand({ MaxResults: 250 }));
    check(Array.isArray(listed.FuotaTaskList) && listed.FuotaTaskList.some((t) => t.Id === id), 'list contains the task', listed);

    await client.send(new UpdateFuotaTaskCommand({ Id: id, Name: 'js-renamed', RedundancyPercent: 30 }));
    const updated = await client.send(new GetFuotaTaskCommand({ Id: id }));
    check(updated.Name === 'js-renamed' && updated.RedundancyPercent === 30, 'update applied', updated);

    await client.send(new AssociateMulticastGroupWithFuotaTaskCommand({ Id: id, MulticastGroupId: 'js-group' }));
    const groups = await client.send(new ListMulticastGroupsByFuotaTaskCommand({ Id: id }));
    check((groups.MulticastGroupList || []).some((g) => g.Id === 'js-group'), 'multicast group associated', groups);

    const start = new Date(Date.UTC(2099, 0, 1));
    const started = await client.send(new StartFuotaTaskCommand({ Id: id, LoRaWAN: { StartTime: start } }));
    check(started.$metadata.httpStatusCode === 204, 'start answers 204', started.$metadata);
    const after = await client.send(new GetFuotaTaskCommand({ Id: id }));
    check(after.Status === 'FuotaSession_Waiting', 'started task is waiting', after.Status);
    check(after.LoRaWAN && after.LoRaWAN.StartTime instanceof Date && after.LoRaWAN.StartTime.getTime() === start.getTime(), 'StartTime round-trips', after.LoRaWAN);

    try {
        await client.send(new UpdateFuotaTaskCommand({ Id: id, Name: 'late' }));
        check(false, 'update after start is a ConflictException', 'no error');
    } catch (e) {
        check(e.name === 'ConflictException' && e.$metadata.httpStatusCode === 409, 'update after start is a ConflictException', e.name);
    }

    const deleted = await client.send(new DeleteFuotaTaskCommand({ Id: id }));
    check(deleted.$metadata.httpStatusCode === 204, 'delete answers 204', deleted.$metadata);

    try {
        await client.send(new GetFuotaTaskCommand({ Id: 'no-such-task' }));
        check(false, 'unknown id is a ResourceNotFoundException', 'no error');
    } catch (e) {
        check(e.name === 'ResourceNotFoundException' && e.$metadata.httpStatusCode === 404, 'unknown id is a ResourceNotFoundException', e.name);
        check(typeof e.message === 'string' && e.message.length > 0, 'the error carries the message', e.message);
    }

    try {
        await client.send(new CreateFuotaTaskCommand({ FirmwareUpdateImage: 's3://x', FirmwareUpdateRole: 'r', RedundancyPercent: 101 }));
        check(false, 'invalid create is a ValidationException', 'no error');
    } catch (e) {
        check(e.name === 'ValidationException' && e.$metadata.httpStatusCode === 400, 'invalid create is a ValidationException', e.name);
    }

    const bad = new IoTWirelessClient({
        endpoint: process.env.FUOTA_URL,
        region: 'us-east-1',
        credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: 'wrong' },
        maxAttempts: 1,
    });
    try {
        await bad.send(new ListFuotaTasksCommand({}));
        check(false, 'wrong secret is refused', 'no error');
    } catch (e) {
        check(e.$metadata && e.$metadata.httpStatusCode === 403, 'wrong secret is refused with 403', e.name);
    }
}

main().catch((e) => {
    console.log(`FAIL unexpected error: ${e && e.name}: ${e && e.message}`);
    process.exitCode = 1;
});
