// A small Fargate service template for the configuration and suppression tests: an execution role
// whose grants name literal account and Region, and a task definition written with the stack's
// pseudo parameters. `extra` adds statements to the role's policy; `roleHead` lines go above the
// role's logical id (comments), `roleMetadata` under it.
export const ACCOUNT = '123456789012';

export function serviceTemplate(o: { extra?: string; roleHead?: string; roleMetadata?: string; top?: string } = {}): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
${o.top ?? ''}Resources:
${o.roleHead ?? ''}  ExecutionRole:
    Type: AWS::IAM::Role
${o.roleMetadata ?? ''}    Properties:
      RoleName: app-execution
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: ecs-tasks.amazonaws.com }
            Action: sts:AssumeRole
            Condition:
              StringEquals: { "aws:SourceAccount": "${ACCOUNT}" }
      Policies:
        - PolicyName: exec
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ecr:GetAuthorizationToken
                Resource: "*"
              - Effect: Allow
                Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]
                Resource: arn:aws:ecr:us-east-1:${ACCOUNT}:repository/app
              - Effect: Allow
                Action: [logs:CreateLogStream, logs:PutLogEvents]
                Resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:*
${o.extra ?? ''}  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: "256"
      Memory: "512"
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: !Sub \${AWS::AccountId}.dkr.ecr.\${AWS::Region}.amazonaws.com/app:1
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/app
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: app
`;
}

/** Config lines giving the template's deployment context. */
export const CONTEXT = `account: "${ACCOUNT}"\nregion: us-east-1\npartition: aws\n`;
