import type { EmulatedConnectService } from '../connect-service.js';
import * as credentials from './user-credentials.js';
import * as lifecycle from './user-lifecycle.js';
import * as metadata from './user-metadata.js';
import { listUsers } from './user-list.js';

/**
 * `zitadel.user.v2.UserService` over Connect, on the same users as the v1 REST calls (the
 * emulator's store and the management bookkeeping), with ZITADEL's checks, permissions and ids.
 */
export const USER_SERVICE: EmulatedConnectService = {
  typeName: 'zitadel.user.v2.UserService',
  methods: {
    AddHumanUser: lifecycle.addHumanUser,
    CreateUser: lifecycle.createUser,
    GetUserByID: lifecycle.getUserById,
    ListUsers: listUsers,
    UpdateHumanUser: lifecycle.updateHumanUser,
    DeactivateUser: lifecycle.deactivateUser,
    ReactivateUser: lifecycle.reactivateUser,
    DeleteUser: lifecycle.deleteUser,
    SetUserMetadata: metadata.setUserMetadata,
    ListUserMetadata: metadata.listUserMetadata,
    DeleteUserMetadata: metadata.deleteUserMetadata,
    AddPersonalAccessToken: credentials.addPersonalAccessToken,
    AddKey: credentials.addKey,
  },
};
