import { describe, expect, it } from 'vitest';

import { endpointsFromVariables, parseEnvFile } from './env-source';
import { InvalidInfraEnvError } from './errors';

describe('endpointsFromVariables', () => {
  it('reads every service from its variables, splitting lists and trimming', () => {
    const endpoints = endpointsFromVariables(
      {
        KAFKA_BROKERS: ' 127.0.0.1:19092, 127.0.0.2:19092 ,',
        KAFKA_VERSION: '4.1.1',
        CASSANDRA_CONTACT_POINTS: '127.0.0.1:19042',
        CASSANDRA_LOCAL_DC: 'datacenter1',
        ELASTICSEARCH_URL: 'http://127.0.0.1:19200/',
        ETCD_ENDPOINTS: 'http://127.0.0.1:12379',
        ETCD_VERSION: '3.4.23',
      },
      'environment',
    );
    expect(endpoints).toEqual({
      kafka: { brokers: ['127.0.0.1:19092', '127.0.0.2:19092'], version: '4.1.1', source: 'environment' },
      cassandra: {
        contactPoints: ['127.0.0.1:19042'],
        localDataCenter: 'datacenter1',
        version: 'unknown',
        source: 'environment',
      },
      elasticsearch: { url: 'http://127.0.0.1:19200', version: 'unknown', source: 'environment' },
      etcd: { endpoints: ['http://127.0.0.1:12379'], version: '3.4.23', source: 'environment' },
    });
  });

  it('leaves out services whose address variable is unset or blank', () => {
    expect(endpointsFromVariables({ KAFKA_BROKERS: '  ', KAFKA_VERSION: '4.1.1' }, 'local')).toEqual({});
  });

  it('refuses Cassandra contact points without a local data centre', () => {
    expect(() => endpointsFromVariables({ CASSANDRA_CONTACT_POINTS: 'h:9042' }, 'environment')).toThrow(
      InvalidInfraEnvError,
    );
  });

  it('reads an S3 endpoint with its credentials, defaulting the region', () => {
    expect(
      endpointsFromVariables(
        {
          S3_ENDPOINT: 'http://127.0.0.1:18333/',
          S3_ACCESS_KEY_ID: 'chat-infra',
          S3_SECRET_ACCESS_KEY: 'chat-infra-secret',
          SEAWEEDFS_VERSION: '4.53',
        },
        'local',
      ),
    ).toEqual({
      s3: {
        endpoint: 'http://127.0.0.1:18333',
        region: 'us-east-1',
        accessKeyId: 'chat-infra',
        secretAccessKey: 'chat-infra-secret',
        version: '4.53',
        source: 'local',
      },
    });
    expect(
      endpointsFromVariables(
        { S3_ENDPOINT: 'https://s3.example', S3_REGION: 'eu-west-1', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' },
        'environment',
      ).s3,
    ).toMatchObject({ region: 'eu-west-1', version: 'unknown' });
  });

  it('refuses an S3 endpoint without both credentials, or that is not an http(s) URL', () => {
    expect(() => endpointsFromVariables({ S3_ENDPOINT: 'http://h:1', S3_ACCESS_KEY_ID: 'a' }, 'environment')).toThrow(
      /S3_SECRET_ACCESS_KEY/,
    );
    expect(() => endpointsFromVariables({ S3_ENDPOINT: 'http://h:1' }, 'environment')).toThrow(/S3_ACCESS_KEY_ID/);
    expect(() =>
      endpointsFromVariables({ S3_ENDPOINT: 'h:1', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' }, 'environment'),
    ).toThrow(/S3_ENDPOINT/);
  });

  it('refuses an Elasticsearch address that is not an http(s) URL', () => {
    expect(() => endpointsFromVariables({ ELASTICSEARCH_URL: 'localhost:9200' }, 'environment')).toThrow(
      /ELASTICSEARCH_URL/,
    );
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=value lines, skipping comments and blanks, keeping "=" inside values', () => {
    const text = '# written by infra.sh\n\nKAFKA_BROKERS=127.0.0.1:19092\nELASTICSEARCH_URL=http://u:p=w@h:1\nnonsense\n';
    expect(parseEnvFile(text)).toEqual({
      KAFKA_BROKERS: '127.0.0.1:19092',
      ELASTICSEARCH_URL: 'http://u:p=w@h:1',
    });
  });
});
